using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Host.Configuration;

/// <summary>
/// Host settings, bound from the configuration section <c>Hub</c> (appsettings.json, or <c>HUB_*</c> environment
/// variables: <c>HUB_MAX_MESSAGE_BYTES=65536</c> sets <c>Hub:MaxMessageBytes</c>), validated at startup.
/// </summary>
public sealed class HubHostOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Hub";

    /// <summary>Path of the WebSocket and HTTP endpoint. Default <c>/rpc</c>.</summary>
    [Required]
    [RegularExpression("^/.*", ErrorMessage = "Path must start with '/'.")]
    public string Path { get; set; } = "/rpc";

    /// <summary>Largest message accepted, in bytes, reassembled from its frames; past it close 1009 (HTTP: 413). Default 1 MiB.</summary>
    [Range(1024, 1L << 30)]
    public long MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>How often the server pings an idle WebSocket. Default 30 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a WebSocket may stay silent (no pong, no frame) before it is aborted. Default 90 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Most WebSocket connections this node holds; past it the upgrade answers 503. Default 100,000.</summary>
    [Range(1, int.MaxValue)]
    public int MaxConnections { get; set; } = 100_000;

    /// <summary>
    /// How long a client may take to send its request (the upgrade) after connecting: a client that connects and
    /// sends nothing, or an HTTP keep-alive connection left idle, is dropped then (Kestrel's request-headers and
    /// keep-alive timeouts; upgraded WebSockets use <see cref="KeepAliveTimeout"/>). Default 10 s.
    /// </summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bytes that inbound messages may hold on this node at once, counted from the moment the transport buffers them
    /// until their connection has parsed them: WebSocket receive buffers, whole messages waiting for their connection,
    /// HTTP request bodies. A message that needs more waits, and its connection is read no further meanwhile (TCP
    /// slows that one client down), until bytes are freed or its <see cref="MessageAssemblyTimeout"/> passes: then a
    /// WebSocket closes with 1013 "try again later" and an HTTP call answers 503. The last eighth is kept for the
    /// first 4 KiB of each message, so small calls are still served while large messages wait. At least four times
    /// <see cref="MaxMessageBytes"/>, so any message allowed can be assembled. Default 256 MiB.
    /// </summary>
    [Range(16 * 1024, long.MaxValue)]
    public long MaxInboundBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Longest time one message may take to arrive, from its first byte to its last, waits for
    /// <see cref="MaxInboundBytes"/> included; a client that trickles a message (answering pings all along) holds its
    /// buffer no longer. Past it a WebSocket closes with 1008 "message assembly timed out" (1013 "try again later"
    /// when it was waiting for the budget) and an HTTP call answers 408 (503). Kestrel's minimum request body data
    /// rate (240 B/s after 5 s) also applies to HTTP. Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public TimeSpan MessageAssemblyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most HTTP calls (<c>POST</c>) this node serves at once, each from its request until its response; past it a
    /// call answers 503. HTTP calls are not counted by <see cref="MaxConnections"/>. Default 10,000.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxConcurrentHttpRequests { get; set; } = 10_000;

    /// <summary>Serve the demo methods and topics of PROTOCOL.md section 11. Default <see langword="true"/> (the runnable host only).</summary>
    public bool Demo { get; set; } = true;

    /// <summary>
    /// Origins whose pages may use the token cookie, besides the hub's own (the scheme, host and port of the
    /// request; behind a proxy, as <c>UseForwardedHeaders</c> sets them): <c>https://app.example.com</c>, or
    /// <c>*</c> for any, which lets every site a logged-in user visits act as that user. A WebSocket upgrade or HTTP
    /// request whose user comes from the cookie and whose <c>Origin</c> is another answers 403; a token in the
    /// <c>Authorization</c> header or <c>access_token</c>, which a browser never sends by itself, and a request
    /// without <c>Origin</c> (not from a browser) are not checked. Environment: <c>HUB_ALLOWED_ORIGINS</c>,
    /// comma-separated. Default: none (the hub's own origin only).
    /// </summary>
    [OriginList]
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Authentication of connections and tokens.</summary>
    public HubAuthOptions Auth { get; set; } = new();

    /// <summary>Who may read <c>/metrics</c>.</summary>
    [ValidateObjectMembers]
    public HubMetricsOptions Metrics { get; set; } = new();

    /// <summary>Cluster settings of this node.</summary>
    public HubClusterOptions Cluster { get; set; } = new();

    /// <summary>Checks what spans two settings: the inbound budget must hold four of the largest messages.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxInboundBytes < 4 * MaxMessageBytes)
        {
            yield return new ValidationResult(
                $"MaxInboundBytes ({MaxInboundBytes}) must be at least four times MaxMessageBytes ({MaxMessageBytes}), so any message allowed can be assembled.",
                [nameof(MaxInboundBytes)]);
        }
    }
}
