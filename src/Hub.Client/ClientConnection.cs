using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// One WebSocket connection of a <see cref="HubClient"/>: its socket, its receive loop, its writer and the calls
/// waiting for a reply on it. A reconnect makes a new one; a connection is never reused once it has ended.
/// </summary>
/// <remarks>
/// Frames are queued and one writer sends them, whoever queued them: a frame queued while nothing is being sent is
/// sent at once on the caller's thread; frames queued meanwhile wait for the round in progress to end and then leave
/// together, each its own WebSocket message, in one <c>send()</c> (<see cref="CoalescingStream"/>). Order is the
/// order of queueing.
/// </remarks>
// The semaphore and the token source hold no wait handle or timer, so they need no Dispose; disposing them while a
// late sender may still touch them would only turn its clean HubConnectionException into an ObjectDisposedException.
#pragma warning disable CA1001
internal sealed class ClientConnection
#pragma warning restore CA1001
{
    private const int ReceiveBufferSize = 16 * 1024;

    // How late a call may time out: the period of the sweep that times them out.
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMilliseconds(50);

    // A round sends at most this much in one send(), so the held bytes stay bounded.
    private const int MaxRoundBytes = 64 * 1024;

    private readonly HubClient _client;
    private readonly ClientWebSocket _socket;
    private readonly CoalescingStream? _transport;
    private readonly IDisposable? _invoker;
    private readonly TimeSpan _closeTimeout;
    private readonly long _maxMessageBytes;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _gate = new();
    private readonly Lock _queueGate = new();
    private List<QueuedFrame> _queue = [];
    private List<QueuedFrame> _round = [];
    private TaskCompletionSource<bool>? _queueSent;
    private bool _writing;
    private Timer? _sweep;
    private int _sweeping;
    private int _callsInFlight;
    private Task _receiveLoop = Task.CompletedTask;
    private volatile bool _terminated;
    private string _terminationMessage = "";
    private Exception? _terminationCause;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;
    private long _connectedAt;

    public ClientConnection(
        HubClient client, ClientWebSocket socket, CoalescingStream? transport, IDisposable? invoker, Uri endpoint, TimeSpan closeTimeout, long maxMessageBytes, ILogger logger)
    {
        _client = client;
        _socket = socket;
        _transport = transport;
        _invoker = invoker;
        _closeTimeout = closeTimeout;
        _maxMessageBytes = maxMessageBytes;
        _logger = logger;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Calls sent on this connection and waiting for their reply, by id.</summary>
    public ConcurrentDictionary<long, TaskCompletionSource<JToken>> Pending { get; } = new();

    /// <summary>Batches sent on this connection that the server may still refuse as a whole.</summary>
    public BatchRefusals Refusals { get; } = new();

    /// <summary>True once the connection has ended for callers: nothing more is sent or answered on it.</summary>
    public bool IsTerminated => _terminated;

    public WebSocketCloseStatus? CloseStatus
    {
        get
        {
            lock (_gate)
            {
                return _closeStatus;
            }
        }
    }

    public string? CloseDescription
    {
        get
        {
            lock (_gate)
            {
                return _closeDescription;
            }
        }
    }

    /// <summary>Why the connection ended ("" while it has not).</summary>
    public string TerminationMessage
    {
        get
        {
            lock (_gate)
            {
                return _terminationMessage;
            }
        }
    }

    /// <summary>The network failure that ended the connection, if any.</summary>
    public Exception? TerminationCause
    {
        get
        {
            lock (_gate)
            {
                return _terminationCause;
            }
        }
    }

    /// <summary>How long the connection has been in service (zero before <see cref="MarkConnected"/>).</summary>
    public TimeSpan Uptime
    {
        get
        {
            var since = Interlocked.Read(ref _connectedAt);
            return since == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(since);
        }
    }

    /// <summary>
    /// Ends when the receive loop has stopped: the connection has terminated and the client has been told (so its
    /// state has moved on from this connection).
    /// </summary>
    public Task Completion => _receiveLoop;

    public void Start() => _receiveLoop = Task.Run(ReceiveLoopAsync);

    public void MarkConnected() => Interlocked.Exchange(ref _connectedAt, Stopwatch.GetTimestamp());

    /// <summary>
    /// Queues a call's frame, unless the connection has ended. The call learns the outcome through its task: its reply,
    /// <see cref="CallNotSentException"/> when the connection ended before the frame left (it may go on another), or
    /// the connection's failure.
    /// </summary>
    /// <returns><see langword="false"/> when the connection had ended: nothing was queued.</returns>
    public bool TryQueueCall(ReadOnlyMemory<byte> frame, PendingCall call)
    {
        call.MarkQueued();
        Interlocked.Increment(ref _callsInFlight);
        if (Enqueue(new QueuedFrame(frame, call), wantSent: false, out _))
        {
            return true;
        }

        CallEnded();
        return false;
    }

    /// <summary>A call queued by <see cref="TryQueueCall"/> is over, whichever way.</summary>
    public void CallEnded() => Interlocked.Decrement(ref _callsInFlight);

    /// <summary>Sends a whole frame, unless the connection has ended.</summary>
    /// <param name="frame">The message.</param>
    /// <param name="cancellationToken">Stops the wait, not the send: a frame once queued is sent.</param>
    /// <returns><see langword="false"/> when the connection had ended before anything was sent, so the frame may go
    /// on another connection; <see langword="true"/> once it is handed to the socket.</returns>
    /// <exception cref="HubConnectionException">The connection failed while sending: the server may have got it.</exception>
    public Task<bool> TrySendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Enqueue(new QueuedFrame(frame, Call: null), wantSent: true, out var sent))
        {
            return Task.FromResult(false);
        }

        return cancellationToken.CanBeCanceled ? sent!.WaitAsync(cancellationToken) : sent!;
    }

    /// <summary>
    /// Times <paramref name="call"/> out at its deadline, to within <see cref="SweepPeriod"/>: one sweep of the
    /// connection's calls runs while any waits, instead of a timer per call.
    /// </summary>
    public void WatchDeadline(PendingCall call)
    {
        if (call.Deadline == long.MaxValue || Volatile.Read(ref _sweeping) != 0 || Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!_terminated)
            {
                _sweep ??= new Timer(static state => ((ClientConnection)state!).Sweep(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _sweep.Change(SweepPeriod, SweepPeriod);
            }
        }
    }

    private void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        var waiting = false;
        foreach (var (_, call) in Pending)
        {
            if (call is PendingCall { Deadline: var deadline } pending && deadline != long.MaxValue)
            {
                if (deadline <= now)
                {
                    pending.Expire();
                }
                else
                {
                    waiting = true;
                }
            }
        }

        if (waiting)
        {
            return;
        }

        // Nothing left to time out: the sweep stops until the next call with a deadline starts it again (which may
        // have come meanwhile, so look once more after saying so).
        lock (_gate)
        {
            _sweep?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        Volatile.Write(ref _sweeping, 0);
        foreach (var (_, call) in Pending)
        {
            if (call is PendingCall { Deadline: not long.MaxValue } pending)
            {
                WatchDeadline(pending);
                return;
            }
        }
    }

    /// <summary>Sends a whole frame on this connection and no other.</summary>
    /// <exception cref="HubConnectionException">The connection has ended or failed while sending.</exception>
    public async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (!await TrySendAsync(frame, cancellationToken).ConfigureAwait(false))
        {
            throw CreateException();
        }
    }

    /// <summary>
    /// The client's own close: fails the calls still waiting with <paramref name="message"/>, sends a close frame with
    /// status 1000, waits at most the close timeout for the server's answer, then aborts. Never throws.
    /// </summary>
    public async Task CloseAsync(string message)
    {
        Terminate(message, cause: null);
        using (var timeout = new CancellationTokenSource(_closeTimeout))
        {
            try
            {
                if (_socket.State == WebSocketState.Open)
                {
                    await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                    try
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        _sendLock.Release();
                    }
                }

                // The receive loop ends when the server's answering close frame arrives.
                await _receiveLoop.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // No polite close within the time allowed: abort below.
            }
        }

        Abort();
        await _receiveLoop.ConfigureAwait(false);
    }

    /// <summary>Drops the connection at once; the receive loop ends and the connection terminates.</summary>
    public void Abort()
    {
        try
        {
            _abort.Cancel();
            _socket.Abort();
        }
        catch (ObjectDisposedException)
        {
            // Already over.
        }
    }

    public HubConnectionException CreateException(Exception? failure = null)
    {
        lock (_gate)
        {
            var message = _terminated ? _terminationMessage : "The connection to the server was lost.";
            var cause = _terminated ? _terminationCause ?? failure : failure;
            return new HubConnectionException(message, _closeStatus, _closeDescription, httpStatusCode: null, cause);
        }
    }

    /// <summary>Ends the connection for callers: marks it unusable and fails every pending call. Idempotent.</summary>
    private void Terminate(string message, Exception? cause)
    {
        lock (_gate)
        {
            if (_terminated)
            {
                return;
            }

            _terminationMessage = message;
            _terminationCause = cause;
            _terminated = true;
            _sweep?.Dispose();
        }

        // Frames still queued never left: their senders may try the next connection. A frame queued after this sees
        // _terminated and is not queued.
        List<QueuedFrame> unsent;
        TaskCompletionSource<bool>? unsentDone;
        lock (_queueGate)
        {
            unsent = _queue;
            _queue = [];
            unsentDone = _queueSent;
            _queueSent = null;
        }

        NotSent(unsent, unsentDone);

        // A call the writer has not handed to the socket is not sent either: the writer marks its round sent before it
        // reads _terminated, and this reads the marks after setting it, so one of the two sees the other.
        Interlocked.MemoryBarrier();
        foreach (var id in Pending.Keys)
        {
            if (Pending.TryRemove(id, out var call))
            {
                if (call is PendingCall { AwaitingSend: true } queued)
                {
                    queued.NotSent();
                }
                else
                {
                    call.TrySetException(CreateException());
                }
            }
        }
    }

    private static void NotSent(List<QueuedFrame> frames, TaskCompletionSource<bool>? done)
    {
        foreach (var frame in frames)
        {
            frame.Call?.NotSent();
        }

        done?.TrySetResult(false);
    }

    private bool Enqueue(QueuedFrame frame, bool wantSent, out Task<bool>? sent)
    {
        bool write;
        lock (_queueGate)
        {
            if (_terminated)
            {
                sent = null;
                return false;
            }

            _queue.Add(frame);
            sent = wantSent ? (_queueSent ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task : null;
            write = !_writing;
            _writing = true;
        }

        if (write)
        {
            if (Volatile.Read(ref _callsInFlight) > 1)
            {
                // Other calls are in flight, so their callers are likely queueing too: the writer runs after the work
                // already queued on the thread pool, and one send() then carries what they queued meanwhile.
                WriteOnThreadPool();
            }
            else
            {
                // A lone call: it is sent at once, on the caller's thread.
                _ = WriteAsync(inline: true);
            }
        }

        return true;
    }

    /// <summary>
    /// The writer: takes everything queued and sends it, round after round, until the queue is empty. The first round
    /// runs on the thread that queued into an idle queue; later rounds on the thread pool, so that caller is not kept
    /// sending for others. Never throws.
    /// </summary>
    private async Task WriteAsync(bool inline)
    {
        while (true)
        {
            TaskCompletionSource<bool>? done;
            lock (_queueGate)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }

                (_round, _queue) = (_queue, _round);
                done = _queueSent;
                _queueSent = null;
            }

            try
            {
                if (await SendRoundAsync(_round).ConfigureAwait(false))
                {
                    done?.TrySetResult(true);
                }
                else
                {
                    NotSent(_round, done);
                }
            }
            catch (Exception e)
            {
                // Only the connection's own token reaches the send, so whatever the socket throws means the connection
                // is gone; the writer goes on, so nothing queued waits for ever (later rounds fail or are not sent).
                done?.TrySetException(CreateException(e));
                Abort();
            }
            finally
            {
                _round.Clear();
            }

            if (inline)
            {
                lock (_queueGate)
                {
                    if (_queue.Count == 0)
                    {
                        _writing = false;
                        return;
                    }
                }

                // More was queued meanwhile: the rest is the thread pool's to send (and no caller's context's).
                WriteOnThreadPool();
                return;
            }
        }
    }

    private void WriteOnThreadPool() =>
        ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.WriteAsync(inline: false), this, preferLocal: false);

    /// <returns><see langword="false"/> when the connection had ended, and nothing was sent.</returns>
    private async Task<bool> SendRoundAsync(List<QueuedFrame> round)
    {
        try
        {
            await _sendLock.WaitAsync(_abort.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Aborted before anything of this round was handed to the socket.
            return false;
        }

        try
        {
            foreach (var frame in round)
            {
                frame.Call?.MarkSent();
            }

            Interlocked.MemoryBarrier();
            if (_terminated)
            {
                return false;
            }

            var held = 0;
            for (var i = 0; i < round.Count; i++)
            {
                var bytes = round[i].Bytes;
                held += bytes.Length;
                if (i == round.Count - 1 || held + round[i + 1].Bytes.Length > MaxRoundBytes)
                {
                    // This frame's write sends it with every frame held before it.
                    _transport?.Release();
                    held = 0;
                }
                else
                {
                    _transport?.Hold();
                }

                // Not a caller's token: cancelling a WebSocket send aborts the whole connection.
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _abort.Token).ConfigureAwait(false);
            }

            return true;
        }
        finally
        {
            _transport?.Release();
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[ReceiveBufferSize];
        var message = new ArrayBufferWriter<byte>();
        Exception? cause = null;
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer.AsMemory(), _abort.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // Callers stop first (Terminate), then the server's close frame is echoed.
                    Terminate(OnCloseReceived(), cause: null);
                    await AnswerCloseAsync().ConfigureAwait(false);
                    return;
                }

                if ((long)message.WrittenCount + received.Count > _maxMessageBytes)
                {
                    await RefuseTooBigAsync(buffer).ConfigureAwait(false);
                    return;
                }

                if (received.EndOfMessage && message.WrittenCount == 0)
                {
                    _client.HandleFrame(this, received.MessageType, buffer.AsSpan(0, received.Count));
                    continue;
                }

                message.Write(buffer.AsSpan(0, received.Count));
                if (received.EndOfMessage)
                {
                    _client.HandleFrame(this, received.MessageType, message.WrittenSpan);
                    message.ResetWrittenCount();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            cause = e;
        }
        finally
        {
            Terminate("The connection to the server was lost.", cause);
            _socket.Dispose();
            _invoker?.Dispose();
            _client.OnConnectionEnded(this);
        }
    }

    /// <summary>
    /// Ends the connection for a message over the limit, as the hub does: callers stop first, the close frame 1009
    /// goes out, and the rest is read and dropped until the server's answering close frame, within the close timeout.
    /// </summary>
    private async Task RefuseTooBigAsync(byte[] buffer)
    {
        HubClientLog.MessageTooBig(_logger, Endpoint, _maxMessageBytes);
        lock (_gate)
        {
            // The close status of a lost connection decides the reconnect backoff: as after the server's own 1009.
            _closeStatus = WebSocketCloseStatus.MessageTooBig;
            _closeDescription = "message too big";
        }

        Terminate(
            $"The server sent a message over {_maxMessageBytes} bytes (HubClientOptions.MaxMessageBytes); the client closed the connection with status 1009 (MessageTooBig).",
            cause: null);
        _abort.CancelAfter(_closeTimeout);
        await _sendLock.WaitAsync(_abort.Token).ConfigureAwait(false);
        try
        {
            // Not when the client's own close has gone out already (DisposeAsync): the server's answer is awaited below.
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too big", _abort.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }

        ValueWebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(buffer.AsMemory(), _abort.Token).ConfigureAwait(false);
        }
        while (received.MessageType != WebSocketMessageType.Close);
    }

    private string OnCloseReceived()
    {
        lock (_gate)
        {
            _closeStatus = _socket.CloseStatus;
            _closeDescription = _socket.CloseStatusDescription;
            return _closeStatus is { } status
                ? $"The server closed the connection with status {(int)status} ({status})"
                    + (string.IsNullOrEmpty(_closeDescription) ? "." : $": {_closeDescription}.")
                : "The server closed the connection.";
        }
    }

    private async Task AnswerCloseAsync()
    {
        // Only when the server started the closing handshake; after the client's own close it is complete already.
        if (_socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_closeTimeout);
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                await _socket.CloseOutputAsync(_socket.CloseStatus ?? WebSocketCloseStatus.Empty, null, timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection is over either way.
        }
    }

    /// <summary>A frame waiting for the writer, and the call it carries (none for notifications, replies, batches).</summary>
    private readonly record struct QueuedFrame(ReadOnlyMemory<byte> Bytes, PendingCall? Call);
}
