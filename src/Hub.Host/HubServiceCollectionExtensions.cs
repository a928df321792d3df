using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Hub.Engine;
using Hub.Host.Auth;
using Hub.Host.Configuration;
using Hub.Host.Diagnostics;
using Hub.Host.Http;
using Hub.Host.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Host;

/// <summary>Adds Hub to an ASP.NET Core application.</summary>
public static class HubServiceCollectionExtensions
{
    /// <summary>The actor system's name; cluster addresses read <c>akka.tcp://hub@host:port</c>.</summary>
    public const string ActorSystemName = "hub";

    /// <summary>
    /// Registers the hub: its actor system (a cluster node, Akka.Hosting), the engine, and the methods and topics
    /// <paramref name="configure"/> declares. Settings come from the <c>Hub</c> configuration section
    /// (<see cref="HubHostOptions"/>) and the HOCON files in <c>hocon/</c>. Resolve <see cref="IHub"/> to publish.
    /// Also adds OpenTelemetry metrics for the meter <c>Hub</c> (and ASP.NET Core's and the runtime's) with a
    /// Prometheus exporter; <see cref="MapHubMetrics"/> serves them.
    /// </summary>
    /// <example>
    /// <code>
    /// var builder = WebApplication.CreateBuilder(args);
    /// builder.Services.AddHub(hub =>
    /// {
    ///     hub.AddMethod("add", (int a, int b) => a + b);
    ///     hub.AddTopic("prices");
    /// });
    /// var app = builder.Build();
    /// app.UseWebSockets();
    /// app.MapHub("/rpc");
    /// app.Run();
    /// </code>
    /// </example>
    public static IServiceCollection AddHub(this IServiceCollection services, Action<HubBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var hub = new HubBuilder();
        configure(hub);

        services.AddOptions<HubHostOptions>().BindConfiguration(HubHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<HubRuntimeHolder>();
        services.AddSingleton(sp => InboundBudget.Reported(sp.GetRequiredService<IOptions<HubHostOptions>>().Value.MaxInboundBytes));
        // Taken once, when the server is built: by then the runtime and most assemblies hold their descriptors.
        services.AddSingleton(_ => OpenFiles.OfThisProcess());
        services.AddSingleton<WebSocketEndpoint>();
        services.AddSingleton<HttpRpcEndpoint>();
        services.AddSingleton<IHub>(sp => new DeferredHub(sp.GetRequiredService<HubRuntimeHolder>()));
        HubAuthentication.AddHubJwtBearer(services);
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>().Configure<IOptions<HubHostOptions>, OpenFiles>((kestrel, hub, files) =>
        {
            // Below the open-files limit at all times (OpenFiles says why); WebSockets are capped by the endpoint.
            kestrel.Limits.MaxConcurrentConnections ??= files.OtherConnections;
            // Kestrel times a new connection's silence with the keep-alive timeout and a started request's
            // headers with the request-headers timeout: both bound a client that connects and sends nothing.
            kestrel.Limits.RequestHeadersTimeout = hub.Value.UpgradeTimeout;
            kestrel.Limits.KeepAliveTimeout = hub.Value.UpgradeTimeout;
        });
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(sockets => sockets.MaxReadBufferSize = InboundBudget.TransportReadAheadBytes);
        MetricsEndpoint.AddServices(services);

        services.AddAkka(ActorSystemName, (akka, sp) =>
        {
            var options = sp.GetRequiredService<IOptions<HubHostOptions>>().Value;
            var configuration = sp.GetRequiredService<IConfiguration>();
            var engineConfig = HubSettings.DefaultConfig();
            var certificate = options.Cluster.Tls.Enabled ? HubClusterTls.LoadCertificate(options.Cluster.Tls) : null;
            // Hub:Akka:Hocon may set the frame limit itself; otherwise it follows Hub:MaxMessageBytes.
            akka.AddHocon(HubConfig.Overrides(configuration).WithFallback(HubConfig.Remoting(options.MaxMessageBytes)), HoconAddMode.Prepend)
                .AddHocon(engineConfig, HoconAddMode.Append)
                .AddHocon(HubConfig.ClusterHocon(), HoconAddMode.Append)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .WithRemoting(HubClusterTls.Remoting(options.Cluster, certificate))
                .WithClustering(new ClusterOptions
                {
                    SeedNodes = HubClusterTls.Seeds(options.Cluster),
                    Roles = options.Cluster.Roles,
                })
                .AddStartup((system, _) =>
                {
                    var clusterLog = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Hub.Host.Cluster");
                    var address = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
                    if (certificate is null)
                    {
                        HubClusterLog.TlsOff(clusterLog, address);
                    }
                    else
                    {
                        HubClusterLog.TlsOn(clusterLog, address, certificate.Subject, certificate.Thumbprint);
                    }

                    if (options.Cluster.Seeds.Length == 0)
                    {
                        // No seeds: this node forms a cluster of its own, so one command runs a working hub.
                        var cluster = Akka.Cluster.Cluster.Get(system);
                        cluster.Join(cluster.SelfAddress);
                    }

                    var settings = HubSettings.Create(system.Settings.Config);
                    var authenticator = options.Auth.Scheme == HubAuthentication.Scheme
                        ? new JwtHubAuthenticator(HubJwt.ValidationParameters(options.Auth))
                        : null;
                    if (HubJwt.UsesDevelopmentKey(options.Auth))
                    {
                        HubHostLog.DevelopmentKey(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Hub.Host.Auth"), HubJwt.DevelopmentKeyFile(options.Auth));
                    }

                    var runtime = HubRuntime.Start(system, hub, settings, authenticator, sp.GetRequiredService<ILoggerFactory>());

                    // A node the cluster downs (the split-brain resolver's minority side) runs Akka's coordinated
                    // shutdown before the host hears of it: drain there too, so its clients get 1001 rather than the
                    // 1011 of connection actors stopped with the actor system. When the host stops first, this
                    // finds the drain done (HubShutdownService).
                    CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "hub-drain", async () =>
                    {
                        await runtime.DrainAsync().ConfigureAwait(false);
                        return Done.Instance;
                    });
                    CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "hub-downed-log", () =>
                    {
                        if (HubHost.WasDowned(system))
                        {
                            HubHostLog.Downed(clusterLog, HubHost.DownedExitCode);
                        }

                        return Task.FromResult(Done.Instance);
                    });
                    sp.GetRequiredService<HubRuntimeHolder>().Set(runtime);
                });
        });

        // After AddAkka: hosted services stop in reverse order, so the drain finishes before the actor system stops.
        services.AddHostedService<HubShutdownService>();
        return services;
    }

    /// <summary>
    /// Maps the hub endpoint at <paramref name="path"/> (default: <c>Hub:Path</c>, <c>/rpc</c>): WebSocket upgrades
    /// and JSON-RPC over <c>POST</c>; a plain <c>GET</c> answers 405. Call <c>app.UseWebSockets()</c> first.
    /// </summary>
    public static IEndpointConventionBuilder MapHub(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var route = path ?? endpoints.ServiceProvider.GetRequiredService<IOptions<HubHostOptions>>().Value.Path;
        var webSockets = endpoints.ServiceProvider.GetRequiredService<WebSocketEndpoint>();
        webSockets.ReportLimits();
        var http = endpoints.ServiceProvider.GetRequiredService<HttpRpcEndpoint>();
        return Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.Map(endpoints, route, context =>
        {
            if (context.WebSockets.IsWebSocketRequest)
            {
                return webSockets.HandleAsync(context);
            }

            if (Microsoft.AspNetCore.Http.HttpMethods.IsPost(context.Request.Method))
            {
                return http.HandleAsync(context);
            }

            context.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Maps <c>GET /healthz</c> (200 while the process serves) and <c>GET /readyz</c> (200 while the hub runs and
    /// this node is an Up cluster member, else 503).
    /// </summary>
    public static void MapHubHealth(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        HealthEndpoints.Map(endpoints);
    }

    /// <summary>
    /// Maps <c>GET /metrics</c>: the hub's metrics (meter <c>Hub</c>: connections, calls by method and outcome, call
    /// durations, notifications, slow-consumer disconnects, cluster members), ASP.NET Core's and the runtime's, in
    /// the Prometheus text format. Needs <see cref="AddHub"/>, which registers the exporter. Served to anyone unless
    /// <c>Hub:Metrics</c> (<see cref="HubMetricsOptions"/>) requires a permission or a port of its own.
    /// </summary>
    public static IEndpointConventionBuilder MapHubMetrics(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return MetricsEndpoint.Map(endpoints);
    }
}
