using System.Net.WebSockets;
using Hub.Connections;

namespace Hub.Host.Transport;

/// <summary>One accepted WebSocket, as the connection's <see cref="Hub.Connections.Outbound"/> writes to it.</summary>
internal sealed class WebSocketTransport(WebSocket socket) : IConnectionTransport
{
    /// <summary>How long a close handshake may wait (behind a send blocked by a slow reader) before the socket is aborted.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) =>
        socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).AsTask();

    public async Task CloseAsync(int code, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            socket.Abort();
        }
    }

    /// <summary>
    /// Completes when the connection actor has stopped. Told by the actor rather than watched from outside: a watch
    /// costs a temporary actor and a watch entry per connection for its whole life.
    /// </summary>
    public Task ActorStopped => _stopped.Task;

    public void Abort() => socket.Abort();

    public void Stopped() => _stopped.TrySetResult();
}
