using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Hub.Host;
using Hub.Host.Configuration;
using Hub.Tests.Auth;
using Hub.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Hub.Tests.Diagnostics;

/// <summary>
/// Who may read <c>/metrics</c>: anyone by default; with <c>Hub:Metrics:RequirePermission</c> only a token holding
/// that permission; with <c>Hub:Metrics:Port</c> only connections to that port.
/// </summary>
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task Metrics_requiring_a_permission_answer_401_to_an_anonymous_scrape()
    {
        await using var hub = await TestHub.StartAsync(PermissionSettings());

        using var response = await ScrapeAsync(hub.BaseUri, token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Metrics_requiring_a_permission_answer_403_to_a_token_without_it()
    {
        await using var hub = await TestHub.StartAsync(PermissionSettings());

        using var response = await ScrapeAsync(hub.BaseUri, Tokens.For("alice", ["secret"]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_requiring_a_permission_are_served_to_a_token_with_it_or_a_superuser()
    {
        await using var hub = await TestHub.StartAsync(PermissionSettings());

        using var permitted = await ScrapeAsync(hub.BaseUri, Tokens.For("prometheus", ["metrics"]));
        using var superuser = await ScrapeAsync(hub.BaseUri, Tokens.For("root", superuser: true));

        Assert.Equal(HttpStatusCode.OK, permitted.StatusCode);
        Assert.Contains("hub_cluster_members", await permitted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, superuser.StatusCode);
    }

    [Fact]
    public async Task Metrics_requiring_a_permission_refuse_a_bad_token_with_401()
    {
        await using var hub = await TestHub.StartAsync(PermissionSettings());

        using var response = await ScrapeAsync(hub.BaseUri, Tokens.For("prometheus", ["metrics"], key: "another-key-that-is-long-enough-for-hmac-sha256"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_on_their_own_port_are_served_there_and_not_on_the_hub_port()
    {
        var port = FreePort();
        var app = HubHost.Build(["--urls", $"http://127.0.0.1:0;http://127.0.0.1:{port}", "--Hub:Metrics:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await app.StartAsync().WaitAsync(Waits.Max);
        try
        {
            var hubPort = app.Urls.Select(url => new Uri(url)).Single(uri => uri.Port != port);
            var metricsPort = new Uri($"http://127.0.0.1:{port}/");

            using var onHubPort = await ScrapeAsync(hubPort, token: null);
            using var spoofed = await ScrapeAsync(hubPort, token: null, host: $"127.0.0.1:{port}");
            using var onMetricsPort = await ScrapeAsync(metricsPort, token: null);

            Assert.Equal(HttpStatusCode.NotFound, onHubPort.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, spoofed.StatusCode);
            Assert.Equal(HttpStatusCode.OK, onMetricsPort.StatusCode);
            Assert.Contains("hub_", await onMetricsPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Metrics_are_open_by_default()
    {
        await using var hub = await TestHub.StartAsync();

        using var response = await ScrapeAsync(hub.BaseUri, token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(new HubHostOptions().Metrics.RequirePermission);
        Assert.Null(new HubHostOptions().Metrics.Port);
    }

    [Fact]
    public void Host_with_a_metrics_port_out_of_range_is_refused_when_built()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => HubHost.Build(["--urls", "http://127.0.0.1:0", "--Hub:Metrics:Port", "70000"]));

        Assert.Contains("Port", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> PermissionSettings()
    {
        var settings = Tokens.Settings();
        settings["Hub:Metrics:RequirePermission"] = "metrics";
        return settings;
    }

    private static async Task<HttpResponseMessage> ScrapeAsync(Uri baseUri, string? token, string? host = null)
    {
        using var http = new HttpClient { Timeout = Waits.Max };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "/metrics"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return await http.SendAsync(request);
    }

    /// <summary>A port free a moment ago: the host needs the number in its configuration before it listens.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
