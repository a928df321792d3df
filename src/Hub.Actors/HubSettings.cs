using Akka.Configuration;

namespace Hub;

/// <summary>
/// The engine's limits and behaviour, read once from the HOCON section <c>hub { }</c>. Every default is written once,
/// in <c>hocon/hub.hocon</c> (embedded; see <see cref="DefaultConfig"/>): <c>new HubSettings()</c> holds those, and
/// each property names its key there. See PROTOCOL.md section 9.
/// </summary>
public sealed record HubSettings
{
    // The shipped defaults, read from hub.hocon; every instance starts from them.
    private static readonly Config Shipped = DefaultConfig().GetConfig("hub");

    /// <summary>The defaults of <c>hocon/hub.hocon</c>; set any property with an object initializer or <c>with</c>.</summary>
    public HubSettings()
        : this(Shipped)
    {
    }

    // One read of every key, for the shipped defaults and for Create alike.
    private HubSettings(Config hub)
    {
        MaxDepth = hub.GetInt("max-depth");
        MaxBatch = hub.GetInt("max-batch");
        MaxInFlight = hub.GetInt("max-in-flight");
        MaxSubscriptions = hub.GetInt("max-subscriptions");
        RateLimitPerSecond = hub.GetDouble("rate-limit.per-second");
        RateLimitBurst = hub.GetInt("rate-limit.burst");
        MethodTimeout = hub.GetTimeSpan("method-timeout");
        OutboundMaxMessages = hub.GetInt("outbound.max-messages");
        OutboundMaxBytes = hub.GetByteSize("outbound.max-bytes") ?? throw new InvalidOperationException("hub.outbound.max-bytes is not a size.");
        ShutdownDeadline = hub.GetTimeSpan("shutdown-deadline");
        MethodSeparator = hub.GetString("method-separator");
    }

    /// <summary>Largest accepted JSON nesting depth, the top-level message included (<c>hub.max-depth</c>).</summary>
    public int MaxDepth { get; init; }

    /// <summary>Most entries in one batch; a longer batch gets one <c>-32600</c> (<c>hub.max-batch</c>).</summary>
    public int MaxBatch { get; init; }

    /// <summary>Most requests and notifications in flight per connection; past it <c>-32002</c> (<c>hub.max-in-flight</c>).</summary>
    public int MaxInFlight { get; init; }

    /// <summary>Most topics one connection may subscribe to; past it <c>subscribe</c> answers <c>-32602</c> (<c>hub.max-subscriptions</c>).</summary>
    public int MaxSubscriptions { get; init; }

    /// <summary>Requests and notifications a connection may send per second on average; 0 turns the limit off. Past it <c>-32002</c> (<c>hub.rate-limit.per-second</c>).</summary>
    public double RateLimitPerSecond { get; init; }

    /// <summary>How many requests a connection may send at once above the rate (the bucket's size); 0 means one second's worth (<c>hub.rate-limit.burst</c>).</summary>
    public int RateLimitBurst { get; init; }

    /// <summary>Default method timeout; past it <c>-32001</c> (<c>hub.method-timeout</c>).</summary>
    public TimeSpan MethodTimeout { get; init; }

    /// <summary>Most messages queued for one slow reader before it is closed with 1008 (<c>hub.outbound.max-messages</c>).</summary>
    public int OutboundMaxMessages { get; init; }

    /// <summary>Most bytes queued for one slow reader before it is closed with 1008 (<c>hub.outbound.max-bytes</c>).</summary>
    public long OutboundMaxBytes { get; init; }

    /// <summary>How long a stopping node lets in-flight calls finish before closing connections (<c>hub.shutdown-deadline</c>).</summary>
    public TimeSpan ShutdownDeadline { get; init; }

    /// <summary>Joins an object's prefix and method name in <c>AddMethods</c>: <c>math.add</c> (<c>hub.method-separator</c>).</summary>
    public string MethodSeparator { get; init; }

    /// <summary>Reads the <c>hub</c> section of <paramref name="config"/>; a missing key keeps its default from <c>hocon/hub.hocon</c>.</summary>
    public static HubSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var hub = config.GetConfig("hub");
        return hub is null || hub.IsEmpty ? new HubSettings() : new HubSettings(hub.WithFallback(Shipped));
    }

    /// <summary>The engine defaults shipped as <c>hocon/hub.hocon</c>, with the Akka settings the engine relies on.</summary>
    public static Config DefaultConfig()
    {
        using var stream = typeof(HubSettings).Assembly.GetManifestResourceStream("Hub.hub.hocon")
            ?? throw new InvalidOperationException("hub.hocon is not embedded.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
