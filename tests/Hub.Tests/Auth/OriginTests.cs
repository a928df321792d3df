using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Hub.Tests.Support;

namespace Hub.Tests.Auth;

/// <summary>
/// Cross-site WebSocket hijacking and cross-site requests: a browser sends the hub's cookie with a WebSocket upgrade
/// or request that another site's page starts, so credentials from the cookie count only for the hub's own origin
/// and <c>Hub:AllowedOrigins</c>. Tokens in the header or <c>access_token</c> are never sent by a browser on its own.
/// </summary>
public sealed class OriginTests : IAsyncLifetime
{
    private const string Evil = "https://evil.example";
    private const string Allowed = "https://app.example";
    private const string WhoAmI = "{\"jsonrpc\":\"2.0\",\"method\":\"whoami\",\"id\":3}";
    private const string AliceIsMe = "{\"jsonrpc\":\"2.0\",\"result\":{\"user\":\"alice\",\"permissions\":[]},\"id\":3}";
    private TestHub _hub = null!;

    private string OwnOrigin => "http://" + _hub.BaseUri.Authority;

    public async Task InitializeAsync()
    {
        var settings = Tokens.Settings();
        settings["Hub:AllowedOrigins:0"] = Allowed;
        _hub = await TestHub.StartAsync(settings);
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Cookie_upgrade_from_another_origin_is_refused_with_403()
    {
        var status = await RefusedUpgradeAsync(_hub.WebSocketUri, AuthenticatedSocket.Carrier.Cookie, Evil);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Cookie_upgrade_from_the_hubs_own_origin_is_accepted()
    {
        await using var socket = await ConnectAsync(_hub.WebSocketUri, AuthenticatedSocket.Carrier.Cookie, OwnOrigin);

        Assert.Equal(AliceIsMe, await socket.CallAsync(WhoAmI));
    }

    [Fact]
    public async Task Cookie_upgrade_from_a_configured_origin_is_accepted()
    {
        await using var socket = await ConnectAsync(_hub.WebSocketUri, AuthenticatedSocket.Carrier.Cookie, Allowed);

        Assert.Equal(AliceIsMe, await socket.CallAsync(WhoAmI));
    }

    [Fact]
    public async Task Cookie_upgrade_without_an_origin_is_accepted()
    {
        await using var socket = await ConnectAsync(_hub.WebSocketUri, AuthenticatedSocket.Carrier.Cookie, origin: null);

        Assert.Equal(AliceIsMe, await socket.CallAsync(WhoAmI));
    }

    [Theory]
    [InlineData(AuthenticatedSocket.Carrier.Header)]
    [InlineData(AuthenticatedSocket.Carrier.Query)]
    public async Task Upgrade_with_a_header_or_query_token_from_another_origin_is_accepted(AuthenticatedSocket.Carrier carrier)
    {
        await using var socket = await ConnectAsync(_hub.WebSocketUri, carrier, Evil);

        Assert.Equal(AliceIsMe, await socket.CallAsync(WhoAmI));
    }

    [Fact]
    public async Task Anonymous_upgrade_from_another_origin_is_accepted()
    {
        await using var socket = await RawSocket.ConnectAsync(_hub.WebSocketUri, configure: options => options.SetRequestHeader("Origin", Evil));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}"));
    }

    [Fact]
    public async Task Cookie_post_from_another_origin_is_refused_with_403()
    {
        using var response = await PostAsync(AuthenticatedSocket.Carrier.Cookie, Evil);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Cookie_post_from_the_hubs_own_origin_is_that_user()
    {
        using var response = await PostAsync(AuthenticatedSocket.Carrier.Cookie, OwnOrigin);

        Assert.Equal(AliceIsMe, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cookie_post_from_a_configured_origin_is_that_user()
    {
        using var response = await PostAsync(AuthenticatedSocket.Carrier.Cookie, Allowed);

        Assert.Equal(AliceIsMe, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(AuthenticatedSocket.Carrier.Header)]
    [InlineData(AuthenticatedSocket.Carrier.Query)]
    public async Task Post_with_a_header_or_query_token_from_another_origin_is_that_user(AuthenticatedSocket.Carrier carrier)
    {
        using var response = await PostAsync(carrier, Evil);

        Assert.Equal(AliceIsMe, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Hub_allowing_every_origin_accepts_a_cookie_upgrade_from_another_origin()
    {
        var settings = Tokens.Settings();
        settings["Hub:AllowedOrigins:0"] = "*";
        await using var hub = await TestHub.StartAsync(settings);

        await using var socket = await ConnectAsync(hub.WebSocketUri, AuthenticatedSocket.Carrier.Cookie, Evil);

        Assert.Equal(AliceIsMe, await socket.CallAsync(WhoAmI));
    }

    private static async Task<RawSocket> ConnectAsync(Uri uri, AuthenticatedSocket.Carrier carrier, string? origin) =>
        await RawSocket.ConnectAsync(Target(uri, carrier), configure: options => Configure(options, uri, carrier, origin));

    private static async Task<HttpStatusCode?> RefusedUpgradeAsync(Uri uri, AuthenticatedSocket.Carrier carrier, string origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        Configure(socket.Options, uri, carrier, origin);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Target(uri, carrier), CancellationToken.None).WaitAsync(Waits.Max));
        return socket.HttpStatusCode;
    }

    private static Uri Target(Uri uri, AuthenticatedSocket.Carrier carrier) =>
        carrier == AuthenticatedSocket.Carrier.Query ? new Uri(uri + "?access_token=" + Uri.EscapeDataString(Tokens.For("alice"))) : uri;

    private static void Configure(ClientWebSocketOptions options, Uri uri, AuthenticatedSocket.Carrier carrier, string? origin)
    {
        if (origin is not null)
        {
            options.SetRequestHeader("Origin", origin);
        }

        if (carrier == AuthenticatedSocket.Carrier.Header)
        {
            options.SetRequestHeader("Authorization", "Bearer " + Tokens.For("alice"));
        }
        else if (carrier == AuthenticatedSocket.Carrier.Cookie)
        {
            options.Cookies = new CookieContainer();
            options.Cookies.Add(new Uri("http://" + uri.Authority), new Cookie("hub_token", Tokens.For("alice")));
        }
    }

    private async Task<HttpResponseMessage> PostAsync(AuthenticatedSocket.Carrier carrier, string origin)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = Waits.Max };
        var uri = carrier == AuthenticatedSocket.Carrier.Query ? new Uri(_hub.HttpUri + "?access_token=" + Uri.EscapeDataString(Tokens.For("alice"))) : _hub.HttpUri;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(WhoAmI, null, "application/json") };
        request.Headers.Add("Origin", origin);
        if (carrier == AuthenticatedSocket.Carrier.Header)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For("alice"));
        }
        else if (carrier == AuthenticatedSocket.Carrier.Cookie)
        {
            request.Headers.Add("Cookie", "hub_token=" + Tokens.For("alice"));
        }

        return await http.SendAsync(request);
    }
}
