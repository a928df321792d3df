using Hub.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Hub.Host.Diagnostics;

/// <summary>The hub's metrics through OpenTelemetry, scraped by Prometheus at <see cref="Path"/>.</summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>
    /// The meters exported: the engine's, and the ones ASP.NET Core and the runtime publish themselves (HTTP
    /// requests, Kestrel connections, GC, thread pool), which need no instrumentation package.
    /// </summary>
    private static readonly string[] Meters = [HubMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    public static void AddServices(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter());

    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints) => endpoints.MapPrometheusScrapingEndpoint(Path);
}
