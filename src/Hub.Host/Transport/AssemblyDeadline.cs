using System.Net.WebSockets;

namespace Hub.Host.Transport;

/// <summary>
/// The time limit of one WebSocket message (<c>Hub:MessageAssemblyTimeout</c>), counted from its first byte. Made only
/// for a message that does not arrive in one read or has to wait for the inbound budget, so the usual small message
/// costs no timer. When it fires while the reader waits for data, the callback it was given runs: the pending receive is
/// not cancelled, as that would abort the socket without the close frame that tells the client why. A reader waiting
/// for the budget (<see cref="WaitingForBudget"/>) sees <see cref="Token"/> fire instead.
/// </summary>
internal sealed class AssemblyDeadline : IDisposable
{
    private readonly CancellationTokenSource _timer = new();
    private readonly CancellationTokenRegistration _expiry;
    private readonly Action<AssemblyDeadline> _expired;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _waitingForBudget;
    private int _claimed;

    public AssemblyDeadline(WebSocket socket, WebSocketTransport transport, string connectionId, TimeSpan remaining, Action<AssemblyDeadline> expired)
    {
        Socket = socket;
        Transport = transport;
        ConnectionId = connectionId;
        _expired = expired;
        _expiry = _timer.Token.UnsafeRegister(static state => ((AssemblyDeadline)state!).OnTimer(), this);
        _timer.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }

    public WebSocket Socket { get; }

    public WebSocketTransport Transport { get; }

    public string ConnectionId { get; }

    /// <summary>Fires when the time is up.</summary>
    public CancellationToken Token => _timer.Token;

    /// <summary>Set by the reader while it waits for the inbound budget rather than for the client.</summary>
    public bool WaitingForBudget
    {
        get => _waitingForBudget;
        set => _waitingForBudget = value;
    }

    /// <summary>
    /// True for the first caller only: the timer and the reader may both find the time up, and one closes. The other
    /// waits for <see cref="Closed"/>.
    /// </summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    /// <summary>Completes once the close for the time limit has been sent (by whoever claimed it).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Called by the claimer once the close has been sent, or has failed.</summary>
    public void MarkClosed() => _closed.TrySetResult();

    public void Dispose()
    {
        _expiry.Dispose();
        _timer.Dispose();
    }

    private void OnTimer()
    {
        if (!WaitingForBudget && TryClaim())
        {
            _expired(this);
        }
    }
}
