namespace Hub.Connections;

/// <summary>
/// The socket side of one connection, implemented by the host (WebSocket or HTTP). Only the connection's
/// <see cref="Outbound"/> uses it: it alone calls <see cref="SendAsync"/>, one frame at a time.
/// </summary>
internal interface IConnectionTransport
{
    /// <summary>Writes one whole text message.</summary>
    Task SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken);

    /// <summary>Closes with a WebSocket close code and reason (HTTP: ends the response). Never throws.</summary>
    Task CloseAsync(int code, string reason);

    /// <summary>Drops the connection at once, without a close handshake. Never throws.</summary>
    void Abort();

    /// <summary>Called once, last, as the connection actor stops: nothing more will be sent or closed. Never throws.</summary>
    void Stopped();
}
