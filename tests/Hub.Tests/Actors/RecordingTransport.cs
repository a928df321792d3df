using System.Text;
using System.Threading.Channels;
using Hub.Connections;
using Hub.Tests.Support;

namespace Hub.Tests.Actors;

/// <summary>
/// A fake socket: records each frame the connection writes, as text, and the close it asks for. Each send
/// returns <paramref name="sendResult"/>: by default a completed task; <see cref="Stalled"/> never completes,
/// like a client that stops reading.
/// </summary>
internal sealed class RecordingTransport(Task? sendResult = null) : IConnectionTransport
{
    private readonly Channel<string> _sent = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource<(int Code, string Reason)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _aborted;

    /// <summary>A send that never finishes.</summary>
    public static Task Stalled => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task;

    /// <summary>The first close asked for: code and reason.</summary>
    public Task<(int Code, string Reason)> Closed => _closed.Task;

    public bool Aborted => _aborted;

    public Task SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        _sent.Writer.TryWrite(Encoding.UTF8.GetString(utf8.Span));
        return sendResult ?? Task.CompletedTask;
    }

    public Task CloseAsync(int code, string reason)
    {
        _closed.TrySetResult((code, reason));
        return Task.CompletedTask;
    }

    public void Abort() => _aborted = true;

    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the connection actor has said it stopped.</summary>
    public Task ActorStopped => _stopped.Task;

    public void Stopped() => _stopped.TrySetResult();

    /// <summary>The next frame written, waiting at most <see cref="Waits.Max"/>.</summary>
    public async Task<string> NextFrameAsync()
    {
        using var timeout = new CancellationTokenSource(Waits.Max);
        try
        {
            return await _sent.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Expected a frame within {Waits.Max.TotalSeconds} s; none was written.");
            throw;
        }
    }

    /// <summary>Fails when a frame is written within <see cref="Waits.Quiet"/>.</summary>
    public async Task ExpectNoFrameAsync()
    {
        using var quiet = new CancellationTokenSource(Waits.Quiet);
        try
        {
            var frame = await _sent.Reader.ReadAsync(quiet.Token);
            Assert.Fail($"Expected no frame within {Waits.Quiet.TotalMilliseconds} ms, got: {frame}");
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The close asked for, waiting at most <see cref="Waits.Max"/>.</summary>
    public Task<(int Code, string Reason)> ClosedAsync() => _closed.Task.WaitAsync(Waits.Max);
}
