using System.Threading.Tasks.Sources;

namespace Hub.Connections;

/// <summary>
/// Flow control from a transport's read loop to its connection actor: the loop takes a credit before it tells the
/// actor a frame (<see cref="ConnectionProtocol.InboundFrame"/> carries it), and the actor gives it back once the
/// frame is handled. At most the window's frames (<see cref="DefaultWindow"/> for a WebSocket) wait in the mailbox; a
/// client that sends faster than its connection works fills its own TCP window instead. No message goes back to the
/// loop: returning a credit completes the loop's wait.
/// </summary>
/// <remarks>
/// One waiter only (the read loop takes credits one after another), so a single reusable
/// <see cref="ManualResetValueTaskSourceCore{TResult}"/> serves every wait: a wait allocates nothing, where
/// <see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/> allocated a task, a node and a cancellation promise per
/// frame once the window was full (a tenth of the hub's allocations under the rpc benchmark).
/// </remarks>
internal sealed class InboundCredit : IValueTaskSource
{
    /// <summary>Frames a WebSocket read loop may have in its connection's mailbox at once.</summary>
    public const int DefaultWindow = 4;

    private readonly Lock _lock = new();
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private int _free;
    private bool _waiting;
    private bool _cancelled;

    public InboundCredit(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _free = window;
    }

    /// <summary>
    /// Completes when a credit is free; fails with <see cref="OperationCanceledException"/> once <see cref="Cancel"/>
    /// has been called. Not to be called again before the last one completed.
    /// </summary>
    public ValueTask TakeAsync()
    {
        lock (_lock)
        {
            if (_cancelled)
            {
                return ValueTask.FromException(new OperationCanceledException("The connection has stopped."));
            }

            if (_free > 0)
            {
                _free--;
                return default;
            }

            if (_waiting)
            {
                throw new InvalidOperationException("A credit is already being waited for.");
            }

            _wait.Reset();
            _waiting = true;
            return new ValueTask(this, _wait.Version);
        }
    }

    /// <summary>Called by the actor when it has handled a frame.</summary>
    public void Return()
    {
        lock (_lock)
        {
            if (!_waiting)
            {
                _free++;
                return;
            }

            _waiting = false;
        }

        _wait.SetResult(true);
    }

    /// <summary>Ends the credit for good (the actor has stopped): a waiting take and every later one fail.</summary>
    public void Cancel()
    {
        lock (_lock)
        {
            _cancelled = true;
            if (!_waiting)
            {
                return;
            }

            _waiting = false;
        }

        _wait.SetException(new OperationCanceledException("The connection has stopped."));
    }

    void IValueTaskSource.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}
