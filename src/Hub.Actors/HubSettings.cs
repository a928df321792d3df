using Akka.Configuration;

namespace Hub;

/// <summary>
/// The engine's limits and behaviour, read once from the HOCON section <c>hub { }</c> (defaults in
/// <c>hocon/hub.hocon</c>; see PROTOCOL.md section 9).
/// </summary>
public sealed record HubSettings
{
    /// <summary>Largest accepted JSON nesting depth, the top-level message included. Default 64.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Most entries in one batch; a longer batch gets one <c>-32600</c>. Default 100.</summary>
    public int MaxBatch { get; init; } = 100;

    /// <summary>Most requests and notifications in flight per connection; past it <c>-32002</c>. Default 256.</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>Most topics one connection may subscribe to; past it <c>subscribe</c> answers <c>-32602</c>. Default 1000.</summary>
    public int MaxSubscriptions { get; init; } = 1000;

    /// <summary>Requests and notifications a connection may send per second on average; 0 turns the limit off. Past it <c>-32002</c>. Default 0.</summary>
    public double RateLimitPerSecond { get; init; }

    /// <summary>How many requests a connection may send at once above the rate (the bucket's size); 0 means one second's worth. Default 0.</summary>
    public int RateLimitBurst { get; init; }

    /// <summary>Default method timeout; past it <c>-32001</c>. Default 30 s.</summary>
    public TimeSpan MethodTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most messages queued for one slow reader before it is closed with 1008. Default 1000.</summary>
    public int OutboundMaxMessages { get; init; } = 1000;

    /// <summary>Most bytes queued for one slow reader before it is closed with 1008. Default 8 MiB.</summary>
    public long OutboundMaxBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>How long a stopping node lets in-flight calls finish before closing connections. Default 10 s.</summary>
    public TimeSpan ShutdownDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Joins an object's prefix and method name in <c>AddMethods</c>: <c>math.add</c>. Default ".".</summary>
    public string MethodSeparator { get; init; } = ".";

    /// <summary>Reads the <c>hub</c> section of <paramref name="config"/>; a missing key keeps its default.</summary>
    public static HubSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var hub = config.GetConfig("hub");
        var defaults = new HubSettings();
        if (hub is null || hub.IsEmpty)
        {
            return defaults;
        }

        return new HubSettings
        {
            MaxDepth = hub.GetInt("max-depth", defaults.MaxDepth),
            MaxBatch = hub.GetInt("max-batch", defaults.MaxBatch),
            MaxInFlight = hub.GetInt("max-in-flight", defaults.MaxInFlight),
            MethodTimeout = hub.GetTimeSpan("method-timeout", defaults.MethodTimeout),
            MaxSubscriptions = hub.GetInt("max-subscriptions", defaults.MaxSubscriptions),
            RateLimitPerSecond = hub.GetDouble("rate-limit.per-second", defaults.RateLimitPerSecond),
            RateLimitBurst = hub.GetInt("rate-limit.burst", defaults.RateLimitBurst),
            OutboundMaxMessages = hub.GetInt("outbound.max-messages", defaults.OutboundMaxMessages),
            OutboundMaxBytes = hub.GetByteSize("outbound.max-bytes") ?? defaults.OutboundMaxBytes,
            ShutdownDeadline = hub.GetTimeSpan("shutdown-deadline", defaults.ShutdownDeadline),
            MethodSeparator = hub.GetString("method-separator", defaults.MethodSeparator),
        };
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
