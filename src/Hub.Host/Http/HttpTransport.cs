using Hub.Connections;

namespace Hub.Host.Http;

/// <summary>
/// The transport of one HTTP request: it keeps the one reply the connection actor writes, and completes
/// <see cref="Response"/> when the actor closes (with null when there was nothing to reply).
/// </summary>
internal sealed class HttpTransport : IConnectionTransport
{
    private readonly TaskCompletionSource<byte[]?> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _reply;

    public Task<byte[]?> Response => _response.Task;

    public Task SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        _reply ??= utf8.ToArray();
        return Task.CompletedTask;
    }

    public Task CloseAsync(int code, string reason)
    {
        if (code == 1000)
        {
            _response.TrySetResult(_reply);
        }
        else
        {
            _response.TrySetException(new InvalidOperationException($"The call ended with close code {code}: {reason}"));
        }

        return Task.CompletedTask;
    }

    public void Abort() => _response.TrySetException(new InvalidOperationException("The call was aborted."));

    // Closed already in every path but a bug; then the request still ends rather than waits.
    public void Stopped() => _response.TrySetException(new InvalidOperationException("The connection stopped without closing."));
}
