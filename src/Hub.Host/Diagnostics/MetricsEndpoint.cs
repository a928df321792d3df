using Hub.Auth;
using Hub.Diagnostics;
using Hub.Host.Auth;
using Hub.Host.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Hub.Host.Diagnostics;

/// <summary>
/// The hub's metrics through OpenTelemetry, scraped by Prometheus at <see cref="Path"/>, to callers that
/// <see cref="HubMetricsOptions"/> allow.
/// </summary>
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

    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<HubHostOptions>>().Value;
        return endpoints.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: app => app.Use(next => context => GuardAsync(context, options, next)), optionsName: null);
    }

    private static async Task GuardAsync(HttpContext context, HubHostOptions options, RequestDelegate next)
    {
        var metrics = options.Metrics;

        // The port the connection came to, not the Host header's (RequireHost), which any client may write.
        if (metrics.Port is { } port && context.Connection.LocalPort != port)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!string.IsNullOrEmpty(metrics.RequirePermission))
        {
            var (allowed, principal) = await HubAuthentication.AuthenticateAsync(context, options).ConfigureAwait(false);
            if (!allowed)
            {
                return;
            }

            if (principal is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return;
            }

            if (!new HubUser(principal).HasPermission(metrics.RequirePermission))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }
}
