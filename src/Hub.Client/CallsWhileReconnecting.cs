namespace Hub.Client;

/// <summary>What a call, notification or batch does when it is made while the client is reconnecting.</summary>
public enum CallsWhileReconnecting
{
    /// <summary>
    /// Waits for the new connection and is then sent. The wait counts towards the call's timeout
    /// (<see cref="HubClientOptions.DefaultTimeout"/>): a call still waiting when it runs out fails with
    /// <see cref="TimeoutException"/>, and every waiting call fails with <see cref="HubConnectionException"/> when the
    /// client gives up reconnecting or is disposed.
    /// </summary>
    Wait,

    /// <summary>Fails at once with <see cref="HubConnectionException"/>; nothing is sent.</summary>
    FailFast,
}
