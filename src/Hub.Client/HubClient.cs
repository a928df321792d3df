using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// A connection to a Hub (or any JSON-RPC 2.0 server over WebSocket): calls methods, sends notifications and batches,
/// subscribes to topics, answers the server's own calls, and reconnects by itself when the connection is lost. Safe
/// for any number of concurrent callers.
/// </summary>
/// <remarks>
/// <para>
/// One loop reads the socket; replies are matched to calls by id, in whatever order they arrive, whether a message
/// came in one frame or several and whether it is a single reply or a batch. One writer sends, in the order messages
/// were queued; messages queued while others are in flight leave together in one <c>send()</c>, each its own WebSocket
/// message. Call and handler continuations never run on the receive loop.
/// </para>
/// <para>
/// When the connection is lost (the server closes it, a node goes away with <c>1001</c>, the network fails) every call
/// waiting for a reply fails with <see cref="HubConnectionException"/>, and the client reconnects as
/// <see cref="HubClientOptions.Reconnect"/> says, trying <see cref="HubClientOptions.Endpoints"/> in turn, subscribing
/// every topic again before it reports <see cref="HubConnectionState.Connected"/>. Calls made meanwhile wait or fail
/// fast (<see cref="HubClientOptions.CallsWhileReconnecting"/>). Only <see cref="DisposeAsync"/>, a disabled
/// reconnect policy or one that gives up stop the client for good: then <see cref="Closed"/> completes.
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
    private readonly Uri[] _endpoints;
    private readonly KeyValuePair<string, string>[] _requestHeaders;
    private readonly string? _accessToken;
    private readonly Func<CancellationToken, ValueTask<string?>>? _accessTokenProvider;
    private readonly JsonSerializer _serializer;
    private readonly TimeSpan _defaultTimeout;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _closeTimeout;
    private readonly TimeSpan _keepAliveInterval;
    private readonly TimeSpan _keepAliveTimeout;
    private readonly ReconnectPolicy _reconnect;
    private readonly CallsWhileReconnecting _callsWhileReconnecting;
    private readonly int _streamBufferCapacity;
    private readonly int _handlerQueueCapacity;
    private readonly int _maxServerCallsInFlight;
    private readonly long _maxMessageBytes;
    private readonly int _maxDepth;
    private readonly ILogger _logger;
    private readonly Action<string, Exception>? _onHandlerError;

    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<string, Func<JToken?, Task<object?>>> _serverMethods = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Notifications wait here for the one dispatch loop: handlers run in arrival order, off the receive loop, so a
    // handler may itself call the server without deadlocking. Each handler has at most HandlerQueueCapacity entries in
    // it (streams none: theirs go to their own buffers), so the queue is bounded as a whole.
    private readonly Channel<Func<Task>> _dispatch =
        Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });

    // State changes wait here for the one event loop, so StateChanged handlers see them in order and never block the
    // connection's own work.
    private readonly Channel<HubStateChangedEventArgs> _events =
        Channel.CreateUnbounded<HubStateChangedEventArgs>(new UnboundedChannelOptions { SingleReader = true });

    private long _lastId;
    private int _serverCallsInFlight;
    private int _disposeStarted;
    private object? _dynamic;

    /// <summary>
    /// Creates a client for <paramref name="uri"/> without connecting it, so <see cref="StateChanged"/> can be
    /// attached before <see cref="StartAsync(CancellationToken)"/> makes the first connection. Most code uses
    /// <see cref="ConnectAsync(Uri, HubClientOptions?, CancellationToken)"/>, which does both.
    /// </summary>
    /// <param name="uri">The server's endpoint, such as <c>ws://localhost:5000/rpc</c>. <c>http</c> and <c>https</c>
    /// are taken as <c>ws</c> and <c>wss</c>.</param>
    /// <param name="options">Headers, tokens, endpoints, timeouts, reconnect policy, logger and serializer settings;
    /// <see langword="null"/> for the defaults. Read once, here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> is <see langword="null"/>, or an endpoint in
    /// <see cref="HubClientOptions.Endpoints"/> is.</exception>
    /// <exception cref="ArgumentException"><paramref name="uri"/> or an endpoint is not an absolute ws, wss, http or
    /// https URI.</exception>
    /// <example>
    /// <code>
    /// await using var client = new HubClient(new Uri("ws://localhost:5000/rpc"));
    /// client.StateChanged += (_, e) => Console.WriteLine($"{e.State}: {e.Reason}");
    /// await client.StartAsync();
    /// </code>
    /// </example>
    public HubClient(Uri uri, HubClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        options ??= new HubClientOptions();
        var endpoints = new List<Uri> { ToWebSocketUri(uri, nameof(uri)) };
        foreach (var endpoint in options.Endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoint, nameof(options));
            var target = ToWebSocketUri(endpoint, nameof(options));
            if (!endpoints.Contains(target))
            {
                endpoints.Add(target);
            }
        }

        _endpoints = [.. endpoints];
        _requestHeaders = [.. options.RequestHeaders];
        _accessToken = options.AccessToken;
        _accessTokenProvider = options.AccessTokenProvider;
        _serializer = MakeSerializer(options.SerializerSettings);
        _defaultTimeout = options.DefaultTimeout;
        _connectTimeout = options.ConnectTimeout;
        _closeTimeout = options.CloseTimeout;
        _keepAliveInterval = options.KeepAliveInterval;
        _keepAliveTimeout = options.KeepAliveTimeout;
        _reconnect = options.Reconnect.Clone();
        _callsWhileReconnecting = options.CallsWhileReconnecting;
        _streamBufferCapacity = options.StreamBufferCapacity;
        _handlerQueueCapacity = options.HandlerQueueCapacity;
        _maxServerCallsInFlight = options.MaxServerCallsInFlight;
        _maxMessageBytes = options.MaxMessageBytes;
        _maxDepth = options.MaxDepth;
        _logger = options.Logger ?? NullLogger.Instance;
        _onHandlerError = options.OnHandlerError;
        _ = Task.Run(DispatchLoopAsync);
        _ = Task.Run(EventLoopAsync);
    }

    /// <summary>
    /// Raised on every change of <see cref="State"/>, with the reason: <see cref="HubConnectionState.Connecting"/>
    /// and <see cref="HubConnectionState.Connected"/> from <see cref="StartAsync(CancellationToken)"/>,
    /// <see cref="HubConnectionState.Reconnecting"/> when the connection is lost,
    /// <see cref="HubConnectionState.Connected"/> again once reconnected and resubscribed, and
    /// <see cref="HubConnectionState.Disconnected"/> when the client stops for good.
    /// </summary>
    /// <remarks>
    /// Handlers run one at a time, in the order of the changes, on a loop of their own (never the receive loop);
    /// by the time one runs, <see cref="State"/> may have moved on. An exception from a handler is logged and
    /// ignored. Attach before <see cref="StartAsync(CancellationToken)"/> to see the first connection's changes.
    /// </remarks>
    /// <example>
    /// <code>
    /// client.StateChanged += (_, e) => logger.LogInformation("Hub {State}: {Reason}", e.State, e.Reason);
    /// </code>
    /// </example>
    public event EventHandler<HubStateChangedEventArgs>? StateChanged;

    /// <summary>Where the client stands: <see cref="HubConnectionState.Connected"/>, reconnecting, stopped, ...</summary>
    public HubConnectionState State
    {
        get
        {
            lock (_stateGate)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// <see langword="true"/> while <see cref="State"/> is <see cref="HubConnectionState.Connected"/>; calls made while
    /// it is <see langword="false"/> wait for a reconnect, fail fast, or (once the client has stopped) fail at once.
    /// </summary>
    public bool IsConnected => State == HubConnectionState.Connected;

    /// <summary>The endpoint of the connection in service, or <see langword="null"/> while there is none.</summary>
    public Uri? CurrentEndpoint
    {
        get
        {
            lock (_stateGate)
            {
                return _connection?.Endpoint;
            }
        }
    }

    /// <summary>
    /// The status code of the close frame the server sent on the latest connection (PROTOCOL.md section 10: 1000
    /// normal, 1001 going away, 1003 binary frame, 1008 policy, 1009 message too big, 1011 internal error), or
    /// <see langword="null"/> while that connection is open, when it ended without a close frame, or before any.
    /// After <see cref="DisposeAsync"/> it is usually 1000, the server's answer to the client's own close; 1009 (with
    /// the description <c>message too big</c>) when the client closed it because the server sent a message over
    /// <see cref="HubClientOptions.MaxMessageBytes"/>.
    /// </summary>
    public WebSocketCloseStatus? CloseStatus
    {
        get
        {
            lock (_stateGate)
            {
                return _lastConnection?.CloseStatus;
            }
        }
    }

    /// <summary>The reason text of the latest connection's close frame, or <see langword="null"/> when none arrived.</summary>
    public string? CloseDescription
    {
        get
        {
            lock (_stateGate)
            {
                return _lastConnection?.CloseDescription;
            }
        }
    }

    /// <summary>
    /// Completes (never faults) when the client has stopped for good, whichever way: disposed, the connection ended
    /// with reconnecting disabled, reconnecting gave up, or the first connection failed. A connection lost and
    /// reconnected does not complete it. <see cref="CloseStatus"/> and <see cref="CloseDescription"/> are final by then.
    /// </summary>
    /// <example>
    /// <code>
    /// await client.Closed;
    /// Console.WriteLine($"Hub client stopped ({client.CloseStatus})");
    /// </code>
    /// </example>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Creates a client (see <see cref="HubClient(Uri, HubClientOptions?)"/>) and makes its first connection (see
    /// <see cref="StartAsync(CancellationToken)"/>).
    /// </summary>
    /// <param name="uri">The server's endpoint, such as <c>ws://localhost:5000/rpc</c>. <c>http</c> and <c>https</c>
    /// are taken as <c>ws</c> and <c>wss</c>.</param>
    /// <param name="options">Headers, tokens, endpoints, timeouts, reconnect policy, logger and serializer settings;
    /// <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the connection attempt (the socket is then aborted).</param>
    /// <returns>A connected client. Dispose it to close the connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="uri"/> or an endpoint is not an absolute ws, wss, http or
    /// https URI.</exception>
    /// <exception cref="HubConnectionException">No endpoint could be reached or each refused the upgrade;
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
        var client = new HubClient(uri, options);
        try
        {
            await client.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return client;
    }

    /// <summary>
    /// Makes the first connection: tries the endpoint given to the constructor, then each of
    /// <see cref="HubClientOptions.Endpoints"/>, once each and in order, each attempt bounded by
    /// <see cref="HubClientOptions.ConnectTimeout"/>. The first connection is not retried with the reconnect policy,
    /// so a wrong address or a refused token shows at once; once connected, the client reconnects by itself.
    /// </summary>
    /// <param name="cancellationToken">Cancels the attempt (the socket is then aborted).</param>
    /// <returns>A task that completes when the client is <see cref="HubConnectionState.Connected"/>.</returns>
    /// <exception cref="InvalidOperationException">The client was started already.</exception>
    /// <exception cref="HubConnectionException">No endpoint could be reached or each refused the upgrade (the last
    /// failure is thrown; <see cref="HubConnectionException.HttpStatusCode"/> is 401 when authentication failed).
    /// The client is then stopped for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the client is
    /// stopped for good.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <example>
    /// <code>
    /// await using var client = new HubClient(new Uri("ws://localhost:5000/rpc"), options);
    /// client.StateChanged += (_, e) => Console.WriteLine(e.State);
    /// await client.StartAsync(cancellationToken);
    /// </code>
    /// </example>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                throw new InvalidOperationException("The client was started already.");
            }

            _started = true;
            SetStateLocked(HubConnectionState.Connecting, $"Connecting to {_endpoints[0]}.", _endpoints[0], ended: null, exception: null);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        Exception? failure = null;
        foreach (var endpoint in _endpoints)
        {
            ClientConnection? candidate = null;
            try
            {
                candidate = await OpenConnectionAsync(endpoint, linked.Token).ConfigureAwait(false);
                if (TryPublish(candidate, $"Connected to {endpoint}.", attempt: 0))
                {
                    candidate = null;
                    return;
                }

                failure = candidate.CreateException();
            }
            catch (Exception) when (Volatile.Read(ref _disposeStarted) != 0)
            {
                throw new ObjectDisposedException(GetType().FullName);
            }
            catch (HubConnectionException e)
            {
                failure = e;
            }
            catch (Exception e)
            {
                // Cancelled, or options the socket refuses (a bad header): no other endpoint fares better.
                Stop($"Could not connect: {e.Message}", ended: null, e, new HubConnectionException("The client could not connect.", e));
                throw;
            }
            finally
            {
                candidate?.Abort();
            }
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeStarted) != 0, this);
        var error = failure as HubConnectionException ?? new HubConnectionException("The client could not connect.", failure);
        Stop(error.Message, ended: null, failure, error);
        throw error;
    }

    /// <summary>
    /// Stops the client for good: a reconnect in progress ends, calls still waiting (for a reply or for a reconnect)
    /// fail with <see cref="HubConnectionException"/> at once, later calls throw <see cref="ObjectDisposedException"/>,
    /// <see cref="Subscribe{T}(string, CancellationToken)"/> streams end, and the socket is closed with status 1000
    /// (waiting at most <see cref="HubClientOptions.CloseTimeout"/> for the server's answer) and then aborted. A
    /// disposed client never reconnects. Never throws; calling it again does nothing more. Safe to call from a handler.
    /// </summary>
    /// <returns>A task that completes when the socket is closed and no longer read.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            await _closed.Task.ConfigureAwait(false);
            return;
        }

        ClientConnection? connection;
        Task reconnectLoop;
        lock (_stateGate)
        {
            _disposed = true;
            connection = _connection;
            reconnectLoop = _reconnectLoop;
            StopLocked("The client was disposed.", connection, exception: null, new HubConnectionException("The client was disposed."), completeClosed: false);
        }

        if (connection is not null)
        {
            await connection.CloseAsync("The client was disposed.").ConfigureAwait(false);
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await reconnectLoop.ConfigureAwait(false);
        _closed.TrySetResult();
    }

    private static Uri ToWebSocketUri(Uri uri, string parameterName)
    {
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The hub's URI must be absolute.", parameterName);
        }

        var scheme = uri.Scheme switch
        {
            "ws" or "http" => "ws",
            "wss" or "https" => "wss",
            _ => throw new ArgumentException($"Unsupported URI scheme '{uri.Scheme}': use ws, wss, http or https.", parameterName),
        };
        return scheme == uri.Scheme ? uri : new UriBuilder(uri) { Scheme = scheme }.Uri;
    }

    private async Task<ClientConnection> OpenConnectionAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_connectTimeout != Timeout.InfiniteTimeSpan)
        {
            attempt.CancelAfter(_connectTimeout);
        }

        var socket = new ClientWebSocket();
        CoalescingStream? transport = null;
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,

            // The connection's transport, so its writer can send several frames in one send() (CoalescingStream).
            ConnectCallback = async (context, token) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await tcp.ConnectAsync(context.DnsEndPoint, token).ConfigureAwait(false);
                }
                catch
                {
                    tcp.Dispose();
                    throw;
                }

                return transport = new CoalescingStream(new NetworkStream(tcp, ownsSocket: true));
            },
        });
        try
        {
            foreach (var (name, value) in _requestHeaders)
            {
                socket.Options.SetRequestHeader(name, value);
            }

            if (await GetAccessTokenAsync(attempt.Token).ConfigureAwait(false) is { } token)
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            }

            socket.Options.KeepAliveInterval = _keepAliveInterval;
            socket.Options.KeepAliveTimeout = _keepAliveTimeout;

            // Keeps the HTTP status of a refused upgrade, so a 401 can be told from an unreachable host.
            socket.Options.CollectHttpResponseDetails = true;
            await socket.ConnectAsync(endpoint, invoker, attempt.Token).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            invoker.Dispose();
            throw new HubConnectionException(
                $"Could not connect to {endpoint}: {e.Message}",
                closeStatus: null,
                closeDescription: null,
                httpStatusCode: status == 0 ? null : status,
                e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            invoker.Dispose();
            throw new HubConnectionException(
                $"Could not connect to {endpoint} within {_connectTimeout}.",
                new TimeoutException($"The connection attempt took longer than {_connectTimeout}.", e));
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }

        socket.HttpResponseHeaders = null;
        var connection = new ClientConnection(this, socket, transport, invoker, endpoint, _closeTimeout, _maxMessageBytes, _logger);
        connection.Start();
        return connection;
    }

    private async ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (_accessTokenProvider is null)
        {
            return _accessToken;
        }

        try
        {
            return await _accessTokenProvider(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new HubConnectionException("The access token provider failed.", e);
        }
    }

    /// <summary>The client's one serializer, made from the user's settings.</summary>
    // Shared by every call: a JsonSerializer keeps no state between operations once configured (its contract
    // resolver's cache is thread-safe), and this one is never configured again; one per call was 1.1 KB a call.
    internal JsonSerializer Serializer => _serializer;

    private static JsonSerializer MakeSerializer(JsonSerializerSettings settings)
    {
        var serializer = JsonSerializer.Create(settings);
        serializer.Formatting = Formatting.None;
        return serializer;
    }

    private void ReportHandlerError(string name, Exception exception)
    {
        HubClientLog.HandlerFailed(_logger, name, exception);
        InvokeOnHandlerError(name, exception);
    }

    private void InvokeOnHandlerError(string name, Exception exception)
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
