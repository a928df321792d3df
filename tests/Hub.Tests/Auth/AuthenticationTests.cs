using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Hub.Tests.Support;

namespace Hub.Tests.Auth;

/// <summary>Connections authenticate once, at the upgrade (or per HTTP request), with the demo hub's rules.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private const string GetMethods = "{\"jsonrpc\":\"2.0\",\"method\":\"get_methods\",\"id\":1}";
    private const string GetTopics = "{\"jsonrpc\":\"2.0\",\"method\":\"get_topics\",\"id\":2}";
    private const string WhoAmI = "{\"jsonrpc\":\"2.0\",\"method\":\"whoami\",\"id\":3}";
    private TestHub _hub = null!;

    public async Task InitializeAsync() => _hub = await TestHub.StartAsync(Tokens.Settings());

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Theory]
    [InlineData(AuthenticatedSocket.Carrier.Header)]
    [InlineData(AuthenticatedSocket.Carrier.Query)]
    [InlineData(AuthenticatedSocket.Carrier.Cookie)]
    public async Task Token_in_header_query_or_cookie_authenticates_the_connection(AuthenticatedSocket.Carrier carrier)
    {
        await using var socket = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("alice", ["secret"]), carrier);

        var reply = await socket.CallAsync(WhoAmI);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"user\":\"alice\",\"permissions\":[\"secret\"]},\"id\":3}", reply);
    }

    [Fact]
    public async Task Discovery_differs_between_anonymous_and_permitted_callers()
    {
        await using var anonymous = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, null);
        await using var alice = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("alice", ["secret"]));

        Assert.DoesNotContain("whoami", await anonymous.CallAsync(GetMethods), StringComparison.Ordinal);
        Assert.Contains("\"update\",\"whoami\"]", await alice.CallAsync(GetMethods), StringComparison.Ordinal);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\",\"clock\",\"demo\"],\"id\":2}", await anonymous.CallAsync(GetTopics));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\",\"clock\",\"demo\",\"secret\"],\"id\":2}", await alice.CallAsync(GetTopics));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":3}", await anonymous.CallAsync(WhoAmI));
    }

    [Fact]
    public async Task Secret_topic_is_refused_to_users_without_the_permission_like_an_unknown_topic()
    {
        await using var bob = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("bob"));
        await using var carol = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("carol", ["secret"]));

        var refused = await bob.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"secret\"],\"id\":1}");
        var published = await bob.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"secret\",{\"n\":1}],\"id\":2}");
        var accepted = await carol.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"secret\"],\"id\":1}");
        await carol.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"secret\",{\"n\":2}],\"id\":2}");

        // The publish reply and the notification it causes may come in either order.
        var frames = new[] { await carol.ReceiveAsync(), await carol.ReceiveAsync() };

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":[\"secret\"]},\"id\":1}", refused);
        Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,", published, StringComparison.Ordinal);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"secret\"],\"id\":1}", accepted);
        Assert.Contains("{\"jsonrpc\":\"2.0\",\"method\":\"secret\",\"params\":{\"n\":2}}", frames);
        Assert.Contains("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":2}", frames);
    }

    [Fact]
    public async Task Superuser_holds_every_permission()
    {
        await using var root = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("root", superuser: true));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\",\"clock\",\"demo\",\"secret\"],\"id\":2}", await root.CallAsync(GetTopics));
    }

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "bad signature", Tokens.For("mallory", key: "another-key-that-is-long-enough-for-hmac-sha256") },
        { "wrong audience", Tokens.For("mallory", audience: "someone-else") },
        { "expired", Tokens.For("mallory", lifetime: TimeSpan.FromMinutes(-5)) },
        { "not a token", "not.a.token" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_token_is_refused_with_401_before_the_upgrade(string why, string token)
    {
        Assert.NotNull(why);

        var status = await AuthenticatedSocket.RefusedStatusAsync(_hub.WebSocketUri, token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_token_over_http_is_refused_with_401(string why, string token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _hub.HttpUri) { Content = new StringContent(WhoAmI, null, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await http.SendAsync(request);

        Assert.NotNull(why);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Http_request_with_a_token_is_that_user()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _hub.HttpUri) { Content = new StringContent(WhoAmI, null, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For("dave"));

        using var response = await http.SendAsync(request);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"user\":\"dave\",\"permissions\":[]},\"id\":3}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Connection_whose_token_expires_is_closed_with_1008()
    {
        await using var socket = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("eve", lifetime: TimeSpan.FromSeconds(2)));
        Assert.Contains("eve", await socket.CallAsync(WhoAmI), StringComparison.Ordinal);

        await socket.Closed.WaitAsync(Waits.Max);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Equal("authentication expired", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task Login_refreshes_the_token_and_drops_subscriptions_the_new_user_may_not_have()
    {
        await using var socket = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("frank", ["secret"], lifetime: TimeSpan.FromSeconds(2)));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"demo\",\"secret\"],\"id\":1}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"demo\",\"secret\"],\"id\":1}"));

        var login = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":[\"" + Tokens.For("frank") + "\"],\"id\":2}");
        var subscriptions = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_subscriptions\",\"id\":3}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"user\":\"frank\",\"permissions\":[],\"dropped\":[\"secret\"]},\"id\":2}", login);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"demo\"],\"id\":3}", subscriptions);

        // The first token's expiry passes (a quiet period: nothing should happen) and the connection stays.
        Assert.True(await socket.IsQuietAsync(TimeSpan.FromSeconds(3)));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":4}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":4}"));
    }

    [Fact]
    public async Task Login_with_a_bad_token_is_refused_and_keeps_the_user()
    {
        await using var socket = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("gina"));

        var login = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{\"token\":\"" + Tokens.For("gina", key: "another-key-that-is-long-enough-for-hmac-sha256") + "\"},\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":\"the token is not valid\"},\"id\":1}", login);
        Assert.Contains("gina", await socket.CallAsync(WhoAmI), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_login_makes_the_connection_a_user()
    {
        await using var socket = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, null);

        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":[\"" + Tokens.For("hank") + "\"],\"id\":1}");

        Assert.Contains("\"user\":\"hank\"", await socket.CallAsync(WhoAmI), StringComparison.Ordinal);
    }
}
