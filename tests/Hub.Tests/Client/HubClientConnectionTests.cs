using System.Net;
using System.Net.WebSockets;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientConnectionTests
{
    // These tests are about how a connection ends; with reconnecting on, it would not stay ended.
    private static HubClientOptions NoReconnect() => new() { Reconnect = ReconnectPolicy.Disabled };

    [Fact]
    public async Task ConnectAsync_sends_request_headers_and_bearer_token()
    {
        await using var server = await PlainJsonRpcServer.StartAsync(requiredToken: "s3cret");
        var options = new HubClientOptions { AccessToken = "s3cret", RequestHeaders = { ["X-Test"] = "hello" } };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);

        var headers = await client.CallAsync("whoami").WaitAsync(Waits.Max);

        Assert.Equal("Bearer s3cret", (string?)headers["authorization"]);
        Assert.Equal("hello", (string?)headers["x-test"]);
    }

    [Fact]
    public async Task ConnectAsync_refused_upgrade_throws_HubConnectionException_with_http_status()
    {
        await using var server = await PlainJsonRpcServer.StartAsync(requiredToken: "s3cret");

        var error = await Assert.ThrowsAsync<HubConnectionException>(
            () => HubClient.ConnectAsync(server.Uri, new HubClientOptions { AccessToken = "wrong" }).WaitAsync(Waits.Max));

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
    }

    [Fact]
    public async Task ConnectAsync_with_http_uri_connects_over_websocket()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var http = new UriBuilder(server.Uri) { Scheme = "http" }.Uri;

        await using var client = await HubClient.ConnectAsync(http).WaitAsync(Waits.Max);

        Assert.Equal(3, await client.CallAsync<int>("add", [1, 2]).WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task ConnectAsync_with_unsupported_scheme_throws_ArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => HubClient.ConnectAsync(new Uri("ftp://127.0.0.1/rpc")));
    }

    [Fact]
    public async Task DisposeAsync_fails_pending_calls_with_HubConnectionException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var client = await HubClient.ConnectAsync(server.Uri);
        var pending = Enumerable.Range(0, 10).Select(_ => client.CallAsync("hang")).ToArray();
        await server.WaitForRequestsAsync("hang", 10);

        await client.DisposeAsync().AsTask().WaitAsync(Waits.Max);

        foreach (var call in pending)
        {
            await Assert.ThrowsAsync<HubConnectionException>(() => call.WaitAsync(Waits.Max));
        }
    }

    [Fact]
    public async Task DisposeAsync_closes_with_normal_closure()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var client = await HubClient.ConnectAsync(server.Uri);
        await client.CallAsync("echo").WaitAsync(Waits.Max);

        await client.DisposeAsync().AsTask().WaitAsync(Waits.Max);

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await server.ClientCloseStatusAsync());
        Assert.True(client.Closed.IsCompleted);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task CallAsync_after_dispose_throws_ObjectDisposedException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var client = await HubClient.ConnectAsync(server.Uri);
        await client.DisposeAsync().AsTask().WaitAsync(Waits.Max);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.CallAsync("echo"));
    }

    [Fact]
    public async Task DisposeAsync_called_twice_returns_quietly()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var client = await HubClient.ConnectAsync(server.Uri);

        await client.DisposeAsync().AsTask().WaitAsync(Waits.Max);
        await client.DisposeAsync().AsTask().WaitAsync(Waits.Max);

        Assert.True(client.Closed.IsCompleted);
    }

    [Theory]
    [InlineData(WebSocketCloseStatus.EndpointUnavailable, "node going away")]
    [InlineData(WebSocketCloseStatus.InvalidMessageType, "binary frame")]
    [InlineData(WebSocketCloseStatus.PolicyViolation, "slow consumer")]
    [InlineData(WebSocketCloseStatus.MessageTooBig, "message too big")]
    public async Task Server_close_surfaces_close_status_and_description(WebSocketCloseStatus status, string description)
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, NoReconnect());
        await client.CallAsync("echo").WaitAsync(Waits.Max);

        await server.CloseAsync(status, description);
        await client.Closed.WaitAsync(Waits.Max);

        Assert.Equal(status, client.CloseStatus);
        Assert.Equal(description, client.CloseDescription);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Server_close_fails_pending_calls_with_close_status()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var pending = client.CallAsync("hang");
        await server.WaitForRequestAsync("hang");

        await server.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "node going away");

        var error = await Assert.ThrowsAsync<HubConnectionException>(() => pending.WaitAsync(Waits.Max));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, error.CloseStatus);
        Assert.Equal("node going away", error.CloseDescription);
    }

    [Fact]
    public async Task Server_close_is_answered_with_same_status()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        await client.CallAsync("echo").WaitAsync(Waits.Max);

        await server.CloseAsync(WebSocketCloseStatus.PolicyViolation, "slow consumer");

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await server.ClientCloseStatusAsync());
    }

    [Fact]
    public async Task CallAsync_after_server_close_throws_HubConnectionException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, NoReconnect());
        await client.CallAsync("echo").WaitAsync(Waits.Max);
        await server.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "node going away");
        await client.Closed.WaitAsync(Waits.Max);

        var error = await Assert.ThrowsAsync<HubConnectionException>(() => client.CallAsync("echo"));

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, error.CloseStatus);
    }

    [Fact]
    public async Task Connection_lost_fails_pending_calls_without_close_status()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, NoReconnect());
        var pending = client.CallAsync("hang");
        await server.WaitForRequestAsync("hang");

        await server.AbortAsync();

        var error = await Assert.ThrowsAsync<HubConnectionException>(() => pending.WaitAsync(Waits.Max));
        Assert.Null(error.CloseStatus);
        await client.Closed.WaitAsync(Waits.Max);
        Assert.Null(client.CloseStatus);
    }

    [Fact]
    public async Task Unparseable_frame_from_server_is_ignored()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        await client.CallAsync("echo").WaitAsync(Waits.Max);

        await server.SendRawAsync("{not json");
        await server.SendRawAsync("""{"jsonrpc":"2.0","result":1,"id":999999}""");
        await server.SendRawAsync("""{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}""");

        Assert.Equal(3, await client.CallAsync<int>("add", [1, 2]).WaitAsync(Waits.Max));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Subscription_dispose_after_connection_closed_returns_quietly()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, NoReconnect());
        var subscription = await client.SubscribeAsync<JObject>("news", _ => { }).WaitAsync(Waits.Max);
        await server.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "node going away");
        await client.Closed.WaitAsync(Waits.Max);

        await subscription.DisposeAsync().AsTask().WaitAsync(Waits.Max);

        Assert.Equal(0, server.CountRequests("unsubscribe"));
    }
}
