namespace Hub.Client;

/// <summary>Where a <see cref="HubClient"/> stands; <see cref="HubClient.StateChanged"/> reports every change.</summary>
public enum HubConnectionState
{
    /// <summary>
    /// No connection and none coming: not started yet, or stopped for good (disposed, the connection ended with
    /// reconnecting disabled, or reconnecting gave up). Calls fail at once.
    /// </summary>
    Disconnected,

    /// <summary>Making the first connection, in <see cref="HubClient.StartAsync(CancellationToken)"/>.</summary>
    Connecting,

    /// <summary>Connected: calls are sent at once, subscriptions deliver.</summary>
    Connected,

    /// <summary>
    /// The connection was lost and the client is making a new one (see <see cref="HubClientOptions.Reconnect"/>).
    /// Calls wait or fail fast, as <see cref="HubClientOptions.CallsWhileReconnecting"/> says.
    /// </summary>
    Reconnecting,
}
