using Newtonsoft.Json;

namespace Hub.Client;

/// <summary>
/// Settings for <see cref="HubClient.ConnectAsync(Uri, HubClientOptions?, CancellationToken)"/>. They are read once,
/// when the connection is made: changing them afterwards does not affect a client already connected.
/// </summary>
/// <example>
/// <code>
/// var options = new HubClientOptions
/// {
///     AccessToken = token,
///     DefaultTimeout = TimeSpan.FromSeconds(10),
///     RequestHeaders = { ["X-Client"] = "inventory-sync" },
/// };
/// await using var client = await HubClient.ConnectAsync(new Uri("ws://localhost:5000/rpc"), options);
/// </code>
/// </example>
public sealed class HubClientOptions
{
    private TimeSpan _defaultTimeout = TimeSpan.FromSeconds(30);
    private TimeSpan _closeTimeout = TimeSpan.FromSeconds(2);
    private JsonSerializerSettings _serializerSettings = new();

    /// <summary>
    /// HTTP headers sent with the WebSocket upgrade request, by name. Empty by default. Names compare without regard
    /// to case. Use <see cref="AccessToken"/> rather than an <c>Authorization</c> header for a bearer token.
    /// </summary>
    public IDictionary<string, string> RequestHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A token sent as <c>Authorization: Bearer TOKEN</c> with the upgrade request; <see langword="null"/> (the
    /// default) sends no <c>Authorization</c> header. The server authenticates a connection once, at the upgrade.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// How long a call waits for its reply before it fails with <see cref="TimeoutException"/>. Default 30 seconds;
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits for ever (until the call is cancelled or the connection closes).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative (other than
    /// <see cref="Timeout.InfiniteTimeSpan"/>) or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public TimeSpan DefaultTimeout
    {
        get => _defaultTimeout;
        set
        {
            if (value != Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The timeout must be positive or Timeout.InfiniteTimeSpan.");
            }

            _defaultTimeout = value;
        }
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
    /// Newtonsoft.Json settings used to turn params and handler results into JSON and replies and notification data
    /// into .NET types. Default: <c>new JsonSerializerSettings()</c>. Whatever these say, replies are read with
    /// <see cref="DateParseHandling.None"/> (a string that looks like a date stays a string until a typed conversion
    /// asks for a date) and <see cref="FloatParseHandling.Double"/>, and messages are written without indentation.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public JsonSerializerSettings SerializerSettings
    {
        get => _serializerSettings;
        set => _serializerSettings = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Called when a subscription handler or a server-to-client call handler (see <see cref="HubClient.On(string, Func{Newtonsoft.Json.Linq.JToken?, Task{object?}})"/>)
    /// throws, or when notification data does not convert to the handler's type. The arguments are the topic or
    /// method name and the exception. The client carries on either way; this is only for logging. Default
    /// <see langword="null"/> (errors are dropped). Exceptions thrown by this callback are ignored.
    /// </summary>
    public Action<string, Exception>? OnHandlerError { get; set; }
}
