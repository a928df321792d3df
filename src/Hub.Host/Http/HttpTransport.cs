using Hub.Connections;

namespace Hub.Host.Http;

/// <summary>
/// The transport of one HTTP request: it keeps the one reply the connection actor writes, and completes
/// <see cref="Response"/> when the actor closes. <see cref="Response"/> never fails: how the call ended is data.
/// </summary>
internal sealed class HttpTransport : IConnectionTransport
{
    private readonly TaskCompletionSource<HttpCallEnd> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _reply;

    public Task<HttpCallEnd> Response => _response.Task;

    public Task SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        _reply ??= utf8.ToArray();
        return Task.CompletedTask;
    }

    public Task CloseAsync(int code, string reason)
    {
        _response.TrySetResult(new HttpCallEnd(code, reason, code == 1000 ? _reply : null));
        return Task.CompletedTask;
    }

    public void Abort() => _response.TrySetResult(new HttpCallEnd(1006, "aborted", null));

    // Closed already in every path but a bug; then the request still ends rather than waits.
    public void Stopped() => _response.TrySetResult(new HttpCallEnd(1011, "the connection stopped without closing", null));
}
