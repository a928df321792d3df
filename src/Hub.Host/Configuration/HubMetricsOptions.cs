using System.ComponentModel.DataAnnotations;

namespace Hub.Host.Configuration;

/// <summary>
/// Who may read <c>GET /metrics</c> (<c>Hub:Metrics</c>; environment <c>HUB_METRICS__REQUIRE_PERMISSION</c>,
/// <c>HUB_METRICS__PORT</c>). By default anyone who reaches the hub's port: method names and traffic are visible.
/// </summary>
public sealed class HubMetricsOptions
{
    /// <summary>
    /// Serve metrics only to a caller whose token (authenticated like a connection, with <see cref="HubAuthOptions.Scheme"/>)
    /// holds this permission (a superuser holds all): no token answers 401, a token without it 403. Default: none.
    /// </summary>
    public string? RequirePermission { get; set; }

    /// <summary>
    /// Serve metrics only on connections to this local port, and 404 on any other. The host must listen on it too:
    /// add it to the URLs (<c>--urls "http://0.0.0.0:8080;http://0.0.0.0:9090"</c>). Default: none (every port).
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}
