using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// A connection to a Hub (or any JSON-RPC 2.0 server over WebSocket): calls methods, sends notifications,
/// subscribes to topics and answers the server's own calls. Safe for any number of concurrent callers.
/// </summary>
/// <remarks>
/// <para>
/// One loop reads the socket; replies are matched to calls by id, in whatever order they arrive, whether a message
/// came in one frame or several and whether it is a single reply or a batch. Sends are serialized, since a
/// WebSocket takes one send at a time. Call and handler continuations never run on the receive loop.
/// </para>
/// <para>
/// A client does not reconnect. When the connection ends (the server closes it, it is lost, or the client is
/// disposed) every call waiting for a reply fails with <see cref="HubConnectionException"/>, later calls fail the
/// same way, and <see cref="Closed"/> completes; connect a new client to carry on, and subscribe again.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var client = await HubClient.ConnectAsync(new Uri("ws://localhost:5000/rpc"));
///
/// var sum = await client.CallAsync&lt;int&gt;("add", [2, 3]);                        // params by position
/// var difference = await client.CallByNameAsync&lt;int&gt;("subtract", new { minuend = 5, subtrahend = 2 });
/// await using var clock = await client.SubscribeAsync&lt;JObject&gt;("clock", tick => Console.WriteLine(tick));
/// client.On("confirm", question => (object?)true);                             // answers the server's calls
/// </code>
/// </example>
public sealed partial class HubClient : IAsyncDisposable
{
    private const int ReceiveBufferSize = 16 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly JsonSerializerSettings _serializerSettings;
    private readonly TimeSpan _defaultTimeout;
    private readonly TimeSpan _closeTimeout;
    private readonly Action<string, Exception>? _onHandlerError;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JToken>> _pending = new();
    private readonly ConcurrentDictionary<string, Func<JToken?, Task<object?>>> _serverMethods = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _stateGate = new();

    // Handlers by topic, read by the receive loop; _topicsGate is held only briefly and never across an await.
    private readonly Lock _topicsGate = new();
    private readonly Dictionary<string, List<TopicSubscription>> _topics = new(StringComparer.Ordinal);

    // Topics subscribed on the server (or possibly so, after a subscribe whose outcome is unknown). Guarded by
    // _subscriptionLock, which also serializes subscribe/unsubscribe round trips so they reach the server in order.
    private readonly HashSet<string> _serverTopics = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _subscriptionLock = new(1, 1);

    // Notifications wait here for the one dispatch loop: handlers run in arrival order, off the receive loop, so a
    // handler may itself call the server without deadlocking.
    private readonly Channel<Func<Task>> _dispatch =
        Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly Task _receiveLoop;
    private long _lastId;
    private int _disposed;
    private volatile bool _terminated;
    private string _terminationMessage = "";
    private Exception? _terminationCause;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;

    private HubClient(ClientWebSocket socket, HubClientOptions options)
    {
        _socket = socket;
        _serializerSettings = options.SerializerSettings;
        _defaultTimeout = options.DefaultTimeout;
        _closeTimeout = options.CloseTimeout;
        _onHandlerError = options.OnHandlerError;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        _ = Task.Run(DispatchLoopAsync);
    }

    /// <summary>
    /// <see langword="true"/> until the connection ends: closed by the server, lost, or the client disposed. Calls made
    /// once it is <see langword="false"/> fail at once.
    /// </summary>
    public bool IsConnected => !_terminated;

    /// <summary>
    /// The status code of the close frame received from the server (PROTOCOL.md section 10: 1000 normal, 1001 going
    /// away, 1003 binary frame, 1008 policy, 1009 message too big, 1011 internal error), or <see langword="null"/>
    /// while the connection is open or when it ended without a close frame. After <see cref="DisposeAsync"/> it is
    /// usually 1000, the server's answer to the client's own close.
    /// </summary>
    public WebSocketCloseStatus? CloseStatus
    {
        get
        {
            lock (_stateGate)
            {
                return _closeStatus;
            }
        }
    }

    /// <summary>The reason text of the server's close frame, or <see langword="null"/> when none arrived.</summary>
    public string? CloseDescription
    {
        get
        {
            lock (_stateGate)
            {
                return _closeDescription;
            }
        }
    }

    /// <summary>
    /// Completes (never faults) when the connection has ended and the client has stopped reading it, whichever side
    /// closed it. <see cref="CloseStatus"/> and <see cref="CloseDescription"/> are final by then.
    /// </summary>
    /// <example>
    /// <code>
    /// await client.Closed;
    /// if (client.CloseStatus == WebSocketCloseStatus.EndpointUnavailable) { /* 1001: reconnect elsewhere */ }
    /// </code>
    /// </example>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Opens a WebSocket to <paramref name="uri"/> and starts reading it.
    /// </summary>
    /// <param name="uri">The server's endpoint, such as <c>ws://localhost:5000/rpc</c>. <c>http</c> and <c>https</c>
    /// are taken as <c>ws</c> and <c>wss</c>.</param>
    /// <param name="options">Headers, token, timeouts and serializer settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the connection attempt (the socket is then aborted).</param>
    /// <returns>A connected client. Dispose it to close the connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is not an absolute ws, wss, http or https URI.</exception>
    /// <exception cref="HubConnectionException">The server cannot be reached or refused the upgrade;
    /// <see cref="HubConnectionException.HttpStatusCode"/> then says how (401 when authentication failed).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <example>
    /// <code>
    /// await using var client = await HubClient.ConnectAsync(
    ///     new Uri("wss://hub.example.com/rpc"),
    ///     new HubClientOptions { AccessToken = token });
    /// var methods = await client.CallAsync&lt;string[]&gt;("get_methods");
    /// </code>
    /// </example>
    public static async Task<HubClient> ConnectAsync(Uri uri, HubClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        options ??= new HubClientOptions();
        var target = ToWebSocketUri(uri);
        var socket = new ClientWebSocket();
        try
        {
            foreach (var (name, value) in options.RequestHeaders)
            {
                socket.Options.SetRequestHeader(name, value);
            }

            if (options.AccessToken is { } token)
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            }

            // Keeps the HTTP status of a refused upgrade, so a 401 can be told from an unreachable host.
            socket.Options.CollectHttpResponseDetails = true;
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            throw new HubConnectionException(
                $"Could not connect to {target}: {e.Message}",
                closeStatus: null,
                closeDescription: null,
                httpStatusCode: status == 0 ? null : status,
                e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        socket.HttpResponseHeaders = null;
        return new HubClient(socket, options);
    }

    /// <summary>
    /// Ends the connection: calls still waiting fail with <see cref="HubConnectionException"/> at once, later calls
    /// throw <see cref="ObjectDisposedException"/>, the socket is closed with status 1000 (waiting at most
    /// <see cref="HubClientOptions.CloseTimeout"/> for the server's answer) and then aborted. Never throws; calling it
    /// again does nothing more. Safe to call from a handler.
    /// </summary>
    /// <returns>A task that completes when the socket is closed and no longer read.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _closed.Task.ConfigureAwait(false);
            return;
        }

        Terminate("The client was disposed.", cause: null);
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

        await _lifetime.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _receiveLoop.ConfigureAwait(false);
        _socket.Dispose();
    }

    private static Uri ToWebSocketUri(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The hub's URI must be absolute.", nameof(uri));
        }

        var scheme = uri.Scheme switch
        {
            "ws" or "http" => "ws",
            "wss" or "https" => "wss",
            _ => throw new ArgumentException($"Unsupported URI scheme '{uri.Scheme}': use ws, wss, http or https.", nameof(uri)),
        };
        return scheme == uri.Scheme ? uri : new UriBuilder(uri) { Scheme = scheme }.Uri;
    }

    /// <summary>Ends the connection for callers: marks it unusable and fails every pending call. Idempotent.</summary>
    private void Terminate(string message, Exception? cause)
    {
        lock (_stateGate)
        {
            if (_terminated)
            {
                return;
            }

            _terminationMessage = message;
            _terminationCause = cause;
            _terminated = true;
        }

        _dispatch.Writer.TryComplete();

        // A call registered after this sweep sees _terminated and fails itself (see InvokeAsync).
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var call))
            {
                call.TrySetException(CreateConnectionException());
            }
        }
    }

    private HubConnectionException CreateConnectionException(Exception? failure = null)
    {
        lock (_stateGate)
        {
            var message = _terminated ? _terminationMessage : "The connection to the server was lost.";
            var cause = _terminated ? _terminationCause ?? failure : failure;
            return new HubConnectionException(message, _closeStatus, _closeDescription, httpStatusCode: null, cause);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_terminated)
        {
            throw CreateConnectionException();
        }
    }

    private JsonSerializer CreateSerializer()
    {
        // One serializer per operation: JsonSerializer is not documented as safe to share across threads.
        var serializer = JsonSerializer.Create(_serializerSettings);
        serializer.Formatting = Formatting.None;
        return serializer;
    }

    private void ReportHandlerError(string name, Exception exception)
    {
        try
        {
            _onHandlerError?.Invoke(name, exception);
        }
        catch (Exception)
        {
            // The callback is for logging; whatever it throws must not reach the loops.
        }
    }
}
