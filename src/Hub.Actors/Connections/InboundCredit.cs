using System.Threading.Tasks.Sources;

namespace Hub.Connections;

/// <summary>
/// Flow control from a transport's read loop to its connection actor: the loop takes a credit before it tells the
/// actor a frame (<see cref="ConnectionProtocol.InboundFrame"/> carries it), and the actor gives it back once the
/// frame is handled. At most the window's frames (<see cref="DefaultWindow"/> for a WebSocket) wait in the mailbox; a
/// client that sends faster than its connection works fills its own TCP window instead. No message goes back to the
/// loop: returning a credit completes the loop's wait. A take may carry the frame's size: the bytes are the credit's
/// from then on, and go to the release callback (the host's node-wide inbound budget) when the frame's credit comes
/// back, or at <see cref="Cancel"/> for frames the stopped actor never handled. Credits come back in the order they
/// were taken (the actor handles frames in mailbox order), so the sizes wait in a ring of the window's length.
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
    private readonly Action<long>? _release;
    private readonly long[] _sizes;

    // A waiting take is granted once this many credits are free (half the window): a read loop that outruns its actor
    // is woken once per half window, not once per frame (each wake is a thread-pool work item).
    private readonly int _wakeAt;
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private int _free;
    private int _oldest;
    private int _taken;
    private long _waitingSize;
    private bool _waiting;
    private bool _cancelled;

    /// <param name="window">Frames that may wait in the mailbox at once.</param>
    /// <param name="release">Given the size of each frame once its credit is back (or the credit cancelled); null when sizes are not counted.</param>
    public InboundCredit(int window, Action<long>? release = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _free = window;
        _wakeAt = (window + 1) / 2;
        _release = release;
        _sizes = release is null ? [] : new long[window];
    }

    /// <summary>
    /// Completes when a credit is free, the frame's <paramref name="size"/> then held by the credit; fails with
    /// <see cref="OperationCanceledException"/> once <see cref="Cancel"/> has been called (the size stays the caller's).
    /// Not to be called again before the last one completed.
    /// </summary>
    public ValueTask TakeAsync(long size = 0)
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
                HoldLocked(size);
                return default;
            }

            if (_waiting)
            {
                throw new InvalidOperationException("A credit is already being waited for.");
            }

            _wait.Reset();
            _waiting = true;
            _waitingSize = size;
            return new ValueTask(this, _wait.Version);
        }
    }

    /// <summary>Called by the actor when it has handled a frame; a waiting take is granted once half the window is free.</summary>
    public void Return()
    {
        long released;
        bool wake;
        lock (_lock)
        {
            released = ReleaseOldestLocked();
            _free++;
            wake = _waiting && _free >= _wakeAt;
            if (wake)
            {
                _waiting = false;
                _free--;
                HoldLocked(_waitingSize);
            }
        }

        if (released != 0)
        {
            _release!(released);
        }

        if (wake)
        {
            _wait.SetResult(true);
        }
    }

    /// <summary>
    /// Ends the credit for good (the actor has stopped): a waiting take and every later one fail, and the sizes of
    /// frames the actor never handled are released.
    /// </summary>
    public void Cancel()
    {
        long released = 0;
        bool wake;
        lock (_lock)
        {
            _cancelled = true;
            while (_taken > 0)
            {
                released += ReleaseOldestLocked();
            }

            wake = _waiting;
            _waiting = false;
        }

        if (released != 0)
        {
            _release!(released);
        }

        if (wake)
        {
            _wait.SetException(new OperationCanceledException("The connection has stopped."));
        }
    }

    private void HoldLocked(long size)
    {
        if (_sizes.Length == 0)
        {
            return;
        }

        _sizes[(_oldest + _taken) % _sizes.Length] = size;
        _taken++;
    }

    private long ReleaseOldestLocked()
    {
        if (_taken == 0)
        {
            return 0;
        }

        var size = _sizes[_oldest];
        _oldest = (_oldest + 1) % _sizes.Length;
        _taken--;
        return size;
    }

    void IValueTaskSource.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}
