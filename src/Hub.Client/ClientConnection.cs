using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// One WebSocket connection of a <see cref="HubClient"/>: its socket, its receive loop, its send lock and the calls
/// waiting for a reply on it. A reconnect makes a new one; a connection is never reused once it has ended.
/// </summary>
// The semaphore and the token source hold no wait handle or timer, so they need no Dispose; disposing them while a
// late sender may still touch them would only turn its clean HubConnectionException into an ObjectDisposedException.
#pragma warning disable CA1001
internal sealed class ClientConnection
#pragma warning restore CA1001
{
    private const int ReceiveBufferSize = 16 * 1024;

    private readonly HubClient _client;
    private readonly ClientWebSocket _socket;
    private readonly TimeSpan _closeTimeout;
    private readonly long _maxMessageBytes;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _gate = new();
    private Task _receiveLoop = Task.CompletedTask;
    private volatile bool _terminated;
    private string _terminationMessage = "";
    private Exception? _terminationCause;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;
    private long _connectedAt;

    public ClientConnection(HubClient client, ClientWebSocket socket, Uri endpoint, TimeSpan closeTimeout, long maxMessageBytes, ILogger logger)
    {
        _client = client;
        _socket = socket;
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

    /// <summary>Sends a whole frame, unless the connection has ended.</summary>
    /// <returns><see langword="false"/> when the connection had ended before anything was sent, so the frame may go
    /// on another connection; <see langword="true"/> once it is handed to the socket.</returns>
    /// <exception cref="HubConnectionException">The connection failed while sending: the server may have got it.</exception>
    public async Task<bool> TrySendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (_terminated)
        {
            return false;
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_terminated)
            {
                return false;
            }

            // Not the caller's token: cancelling a WebSocket send aborts the whole connection.
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _abort.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Only the connection's own token reaches the send: any of these means the connection is gone.
            throw CreateException(e);
        }
        finally
        {
            _sendLock.Release();
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
        }

        // A call registered after this sweep sees _terminated in TrySendAsync and is not sent.
        foreach (var id in Pending.Keys)
        {
            if (Pending.TryRemove(id, out var call))
            {
                call.TrySetException(CreateException());
            }
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
}
