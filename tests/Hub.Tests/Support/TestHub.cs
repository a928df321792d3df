using Hub.Engine;
using Hub.Host;
using Microsoft.AspNetCore.Builder;

namespace Hub.Tests.Support;

/// <summary>A real hub host on 127.0.0.1 with a free port, for integration tests.</summary>
public sealed class TestHub : IAsyncDisposable
{
    private TestHub(WebApplication app, Uri baseUri)
    {
        App = app;
        BaseUri = baseUri;
    }

    public WebApplication App { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; }

    /// <summary>ws://127.0.0.1:PORT/rpc</summary>
    public Uri WebSocketUri => new($"ws://{BaseUri.Authority}/rpc");

    /// <summary>http://127.0.0.1:PORT/rpc</summary>
    public Uri HttpUri => new(BaseUri, "/rpc");

    internal HubRuntime Runtime => App.Services.GetRequiredService<HubRuntimeHolder>().Ready.Result;

    /// <summary>
    /// Starts a hub with the demo service; <paramref name="settings"/> are extra configuration keys (<c>Hub:Engine:max-in-flight</c>, ...);
    /// <paramref name="url"/> is where it listens (default <c>http://127.0.0.1:0</c>, a free port), fixed when a test restarts a hub in the same place;
    /// without <paramref name="ready"/> it returns once the engine runs, without waiting for /readyz (a node that cannot join);
    /// <paramref name="customize"/> adjusts the host builder (a log provider, say).
    /// </summary>
    public static async Task<TestHub> StartAsync(IDictionary<string, string?>? settings = null, Action<HubBuilder>? configure = null, string? url = null, bool ready = true, Action<WebApplicationBuilder>? customize = null)
    {
        var args = new List<string> { "--urls", url ?? "http://127.0.0.1:0", "--Logging:LogLevel:Default", Environment.GetEnvironmentVariable("HUB_TEST_LOG") ?? "Warning" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            args.Add("--" + key);
            args.Add(value ?? string.Empty);
        }

        var app = HubHost.Build([.. args], configure, customize);
        await app.StartAsync().WaitAsync(Waits.Max);
        await app.Services.GetRequiredService<HubRuntimeHolder>().Ready.WaitAsync(Waits.Max);
        var address = app.Urls.Single();
        var hub = new TestHub(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        if (ready)
        {
            await hub.WaitUntilReadyAsync();
        }

        return hub;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await App.DisposeAsync();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUri };
        using var deadline = new CancellationTokenSource(Waits.Max);
        while (true)
        {
            using var response = await http.GetAsync("/readyz", deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            // Readiness has no push signal over HTTP; poll it briefly, bounded by the deadline.
            await Task.Delay(50, deadline.Token);
        }
    }
}
