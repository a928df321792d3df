namespace Hub.Bench.Load;

/// <summary>Where a soak run is: what its clients send and which figures count.</summary>
internal enum SoakPhase
{
    /// <summary>Subscribed; the publishers publish until every subscriber has heard every publisher (subscriptions spread by gossip).</summary>
    WarmUp,

    /// <summary>Calls and publishes at their rates; every acknowledged publish from here on is expected at every subscriber.</summary>
    Running,

    /// <summary>Nothing new is sent; replies and notifications still in flight come in.</summary>
    Draining,

    /// <summary>The bench closes the connections: a close from here on is not the server's doing.</summary>
    Closing,
}
