using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// Settings for a <see cref="HubClient"/>. They are read once, when the client is created: changing them afterwards
/// does not affect it.
/// </summary>
/// <example>
/// <code>
/// var options = new HubClientOptions
/// {
///     AccessTokenProvider = async ct => await tokens.GetAsync(ct),   // asked again on every reconnect
///     Endpoints = { new Uri("ws://hub-b:8080/rpc"), new Uri("ws://hub-c:8080/rpc") },
///     DefaultTimeout = TimeSpan.FromSeconds(10),
///     Reconnect = new ReconnectPolicy { MaxDelay = TimeSpan.FromSeconds(10) },
///     Logger = loggerFactory.CreateLogger&lt;HubClient&gt;(),
///     RequestHeaders = { ["X-Client"] = "inventory-sync" },
/// };
/// await using var client = await HubClient.ConnectAsync(new Uri("ws://hub-a:8080/rpc"), options);
/// </code>
/// </example>
public sealed class HubClientOptions
{
    private TimeSpan _defaultTimeout = TimeSpan.FromSeconds(30);
    private TimeSpan _connectTimeout = TimeSpan.FromSeconds(15);
    private TimeSpan _closeTimeout = TimeSpan.FromSeconds(2);
    private TimeSpan _keepAliveInterval = TimeSpan.FromSeconds(15);
    private TimeSpan _keepAliveTimeout = TimeSpan.FromSeconds(15);
    private int _streamBufferCapacity = 1000;
    private int _handlerQueueCapacity = 1000;
    private int _maxServerCallsInFlight = 64;
    private long _maxMessageBytes = 8 * 1024 * 1024;
    private int _maxDepth = 64;
    private JsonSerializerSettings _serializerSettings = new();
    private ReconnectPolicy _reconnect = new();

    /// <summary>
    /// HTTP headers sent with every WebSocket upgrade request (the first and each reconnect), by name. Empty by
    /// default. Names compare without regard to case. Use <see cref="AccessToken"/> or
    /// <see cref="AccessTokenProvider"/> rather than an <c>Authorization</c> header for a bearer token.
    /// </summary>
    public IDictionary<string, string> RequestHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A token sent as <c>Authorization: Bearer TOKEN</c> with every upgrade request. Default
    /// <see langword="null"/>: no <c>Authorization</c> header is sent. The server authenticates a connection once, at
    /// the upgrade.
    /// Ignored when <see cref="AccessTokenProvider"/> is set.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Called before every connection attempt, the first and each reconnect, for the token to send as
    /// <c>Authorization: Bearer TOKEN</c> (<see langword="null"/> sends none), so a token that expires can be
    /// renewed. Its token is cancelled when the attempt times out (<see cref="ConnectTimeout"/>) or the client is
    /// disposed. When it throws, the attempt fails with <see cref="HubConnectionException"/> holding its exception.
    /// Default <see langword="null"/>: <see cref="AccessToken"/> is sent.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// More endpoints of the same service (other nodes of a cluster), tried in turn after the one given to
    /// <see cref="HubClient.ConnectAsync(Uri, HubClientOptions?, CancellationToken)"/>: the first connection tries
    /// each once, in order, and every reconnect attempt moves on to the next, starting after the endpoint that was
    /// lost. Empty by default. Each must be an absolute ws, wss, http or https URI.
    /// </summary>
    public IList<Uri> Endpoints { get; } = new List<Uri>();

    /// <summary>
    /// How long a call waits for its reply before it fails with <see cref="TimeoutException"/>, including any wait
    /// for a reconnect (see <see cref="CallsWhileReconnecting"/>). Default 30 seconds;
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits for ever (until the call is cancelled or the client stops).
    /// A call, batch or notification given a <see cref="HubCallOptions.Timeout"/> uses that instead. A call sent and
    /// waiting for its reply is timed out by one sweep of its connection every 50 ms (no timer per call), so it fails
    /// up to 50 ms after its timeout.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative (other than
    /// <see cref="Timeout.InfiniteTimeSpan"/>) or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public TimeSpan DefaultTimeout
    {
        get => _defaultTimeout;
        set => _defaultTimeout = ValidTimeout(value);
    }

    /// <summary>
    /// How long one connection attempt may take (token provider, TCP, TLS, WebSocket upgrade) before it fails with
    /// <see cref="HubConnectionException"/>. Default 15 seconds; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative (other than
    /// <see cref="Timeout.InfiniteTimeSpan"/>) or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public TimeSpan ConnectTimeout
    {
        get => _connectTimeout;
        set => _connectTimeout = ValidTimeout(value);
    }

    /// <summary>
    /// How long <see cref="HubClient.DisposeAsync"/> waits for the closing handshake (a close frame with status 1000
    /// and the server's answer) before it aborts the connection. Default 2 seconds; zero aborts at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than <see cref="int.MaxValue"/>
    /// milliseconds.</exception>
    public TimeSpan CloseTimeout
    {
        get => _closeTimeout;
        set
        {
            if (value < TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The close timeout must be zero or positive.");
            }

            _closeTimeout = value;
        }
    }

    /// <summary>
    /// How often the client sends a WebSocket keep-alive frame (<see cref="System.Net.WebSockets.ClientWebSocketOptions.KeepAliveInterval"/>).
    /// Default 15 seconds; <see cref="TimeSpan.Zero"/> sends none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public TimeSpan KeepAliveInterval
    {
        get => _keepAliveInterval;
        set => _keepAliveInterval = value >= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The interval must be zero or positive.");
    }

    /// <summary>
    /// How long the client waits for the answer to its keep-alive ping before it takes the connection as lost (and
    /// reconnects), so a dead network is noticed even when no call is waiting
    /// (<see cref="System.Net.WebSockets.ClientWebSocketOptions.KeepAliveTimeout"/>). Default 15 seconds;
    /// <see cref="Timeout.InfiniteTimeSpan"/> never gives up (keep-alives are then one-way). Only applies when
    /// <see cref="KeepAliveInterval"/> is positive.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public TimeSpan KeepAliveTimeout
    {
        get => _keepAliveTimeout;
        set => _keepAliveTimeout = value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The timeout must be positive or Timeout.InfiniteTimeSpan.");
    }

    /// <summary>
    /// When and how the client reconnects after its connection is lost; see <see cref="ReconnectPolicy"/>. Default:
    /// a <c>new ReconnectPolicy()</c>, which reconnects for ever with growing delays.
    /// <see cref="ReconnectPolicy.Disabled"/> turns it off.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public ReconnectPolicy Reconnect
    {
        get => _reconnect;
        set => _reconnect = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Whether calls made while the client is reconnecting wait for the new connection (bounded by their timeout) or
    /// fail at once. Default <see cref="Client.CallsWhileReconnecting.Wait"/>.
    /// </summary>
    public CallsWhileReconnecting CallsWhileReconnecting { get; set; } = CallsWhileReconnecting.Wait;

    /// <summary>
    /// How many notifications a <see cref="HubClient.Subscribe{T}(string, CancellationToken)"/> stream holds for a
    /// consumer that has not caught up. When one more arrives the stream ends with
    /// <see cref="HubSubscriptionOverflowException"/> (after the ones held). Default 1000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int StreamBufferCapacity
    {
        get => _streamBufferCapacity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _streamBufferCapacity = value;
        }
    }

    /// <summary>
    /// How many notifications a <see cref="HubClient.SubscribeAsync{T}(string, Func{T, Task}, CancellationToken)"/>
    /// handler may have waiting for it (not counting the one it is handling). When one more arrives the subscription
    /// ends, by the rule of <see cref="StreamBufferCapacity"/>: the handler is still called with every notification
    /// waiting, in order, and then <see cref="OnHandlerError"/> gets a <see cref="HubSubscriptionOverflowException"/>
    /// and the handler is removed (its handle's dispose does nothing more); the server subscription is released at
    /// once when it was the topic's last handler. Handlers share one dispatch loop, so a handler that blocks holds up
    /// the others, whose queues fill too. Default 1000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int HandlerQueueCapacity
    {
        get => _handlerQueueCapacity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _handlerQueueCapacity = value;
        }
    }

    /// <summary>
    /// How many of the server's calls to this client (see <see cref="HubClient.On(string, Func{JToken?, Task{object?}})"/>)
    /// may be handled at once. A call past it is answered at once with -32002 <c>Too many requests</c>, as the hub
    /// answers a client over its own limit, and runs no handler, so a server cannot make the client start work without
    /// end. Default 64.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxServerCallsInFlight
    {
        get => _maxServerCallsInFlight;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxServerCallsInFlight = value;
        }
    }

    /// <summary>
    /// The largest message the client takes from the server, in bytes, reassembled from its frames. At the first
    /// byte past it the client stops reading, closes the connection with 1009 (message too big) and takes it as lost:
    /// calls waiting for a reply fail with <see cref="HubConnectionException"/> (its
    /// <see cref="HubConnectionException.CloseStatus"/> 1009), and the client reconnects as <see cref="Reconnect"/>
    /// says, backing off as after the server's own 1009. Default 8 MiB: the most a Hub with default settings sends in
    /// one message (its <c>outbound.max-bytes</c>; it accepts less, <c>Hub:MaxMessageBytes</c>), so no reply of such a
    /// hub is refused. Lower it when results are known to be small; raise it with the hub's <c>outbound.max-bytes</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1024 or more than 1 GiB (the range of
    /// the hub's own <c>Hub:MaxMessageBytes</c>).</exception>
    public long MaxMessageBytes
    {
        get => _maxMessageBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1L << 30);
            _maxMessageBytes = value;
        }
    }

    /// <summary>
    /// The deepest JSON nesting the client takes from the server, the message itself counting as one level (as the
    /// hub's <c>max-depth</c> counts). A deeper message is dropped as unreadable, as one that is not JSON is, and
    /// logged as a warning; the connection carries on, and a call whose reply it was fails with
    /// <see cref="TimeoutException"/>. Default 64, the hub's own default <c>max-depth</c>. Raising it lets deeper data
    /// through to code that walks it recursively (Newtonsoft.Json's serializer, <see cref="JToken.ToString()"/>), which
    /// deep enough data makes overflow the stack, ending the process.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxDepth
    {
        get => _maxDepth;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxDepth = value;
        }
    }

    /// <summary>
    /// Where the client logs its connection lifecycle (connected, lost, reconnect attempts, giving up) and the
    /// exceptions of handlers. Default <see langword="null"/>: no logging. Payloads are logged only at Trace, and
    /// tokens never.
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Newtonsoft.Json settings used to turn params and handler results into JSON and replies and notification data
    /// into .NET types. Default: <c>new JsonSerializerSettings()</c>. Whatever these say, the server's messages are
    /// read as the hub reads JSON (strictly; a string that looks like a date stays a string until a typed conversion
    /// asks for a date; integers of any size exactly, other numbers as doubles), and messages are written as the hub
    /// writes them (PROTOCOL.md section 2: compact, numbers in ECMAScript form); values JSON has no type for (dates,
    /// GUIDs, time spans, URIs, bytes) are written as these settings write them.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public JsonSerializerSettings SerializerSettings
    {
        get => _serializerSettings;
        set => _serializerSettings = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Called when a subscription handler or a server-to-client call handler (see <see cref="HubClient.On(string, Func{JToken?, Task{object?}})"/>)
    /// throws, when notification data does not convert to the handler's type, when a topic cannot be subscribed
    /// again after a reconnect, or with a <see cref="HubSubscriptionOverflowException"/> when a subscription handler
    /// fell behind (see <see cref="HandlerQueueCapacity"/>). The arguments are the topic or method name and the
    /// exception. The client carries on either way; this is only for logging (the exception, or the overflow, also
    /// goes to <see cref="Logger"/>). Default <see langword="null"/>. Exceptions thrown by this callback are ignored.
    /// </summary>
    public Action<string, Exception>? OnHandlerError { get; set; }

    internal static TimeSpan ValidTimeout(TimeSpan value)
    {
        if (value != Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The timeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        return value;
    }
}
