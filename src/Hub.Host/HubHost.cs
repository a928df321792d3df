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
    /// Builds the hub application: configuration (appsettings.json, <c>HUB_*</c> variables, command line), the demo
    /// service unless <c>Hub:Demo</c> is false, <paramref name="configure"/>'s methods and topics, and the endpoints.
    /// Listens on <c>http://127.0.0.1:8080</c> unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> says otherwise.
    /// </summary>
    public static WebApplication Build(string[] args, Action<HubBuilder>? configure = null, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddInMemoryCollection(HubEnvironment.Map(Environment.GetEnvironmentVariables()));
        builder.Configuration.AddCommandLine(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:8080");
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
