using Akka.Actor;
using Hub.Host.Configuration;
using Hub.Host.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Host;

/// <summary>The runnable hub: what <c>dotnet run --project src/Hub.Host</c> starts, and what the tests start on port 0.</summary>
public static class HubHost
{
    /// <summary>
    /// The exit code of a node the cluster downed (the split-brain resolver's minority side, or a node another
    /// member marked down): not 0, so that a restart policy that restarts on failure (compose's <c>on-failure</c>,
    /// systemd's <c>Restart=on-failure</c>) brings the node back, and it joins again. 75 is sysexits' EX_TEMPFAIL:
    /// a temporary failure, worth a retry.
    /// </summary>
    public const int DownedExitCode = 75;

    /// <summary>Where the hub listens when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> says: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>
    /// Runs <paramref name="app"/> until it stops, and returns the process exit code: <see cref="DownedExitCode"/>
    /// when the node stopped because the cluster downed it, else 0.
    /// </summary>
    public static int Run(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var holder = app.Services.GetRequiredService<HubRuntimeHolder>();
        app.Run();
        return ExitCode(holder);
    }

    /// <summary>The exit code for a stopped node: <see cref="DownedExitCode"/> if its actor system stopped because the cluster downed it.</summary>
    internal static int ExitCode(HubRuntimeHolder holder) =>
        holder.Ready.IsCompletedSuccessfully && WasDowned(holder.Ready.Result.System) ? DownedExitCode : 0;

    /// <summary>Whether <paramref name="system"/>'s coordinated shutdown ran because the cluster downed this node.</summary>
    internal static bool WasDowned(ActorSystem system) =>
        CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason;

    /// <summary>
    /// Builds the hub application: configuration (appsettings.json, <c>HUB_*</c> variables, command line), the demo
    /// service unless <c>Hub:Demo</c> is false, <paramref name="configure"/>'s methods and topics, and the endpoints.
    /// Listens on <see cref="DefaultUrl"/> unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> says otherwise.
    /// </summary>
    public static WebApplication Build(string[] args, Action<HubBuilder>? configure = null, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddInMemoryCollection(HubEnvironment.Map(Environment.GetEnvironmentVariables()));
        builder.Configuration.AddCommandLine(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        customize?.Invoke(builder);
        var demo = builder.Configuration.GetValue($"{HubHostOptions.Section}:Demo", true);
        builder.Services.AddHub(hub =>
        {
            if (demo)
            {
                DemoService.Register(hub);
            }

            configure?.Invoke(hub);
        });
        if (demo)
        {
            builder.Services.AddHostedService<ClockService>();
        }

        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub();
        app.MapHubHealth();
        app.MapHubMetrics();
        return app;
    }
}
