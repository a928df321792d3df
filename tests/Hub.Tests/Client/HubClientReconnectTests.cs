using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Threading.Channels;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientReconnectTests
{
    [Fact]
    public async Task StartAsync_raises_Connecting_then_Connected()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = new HubClient(server.Uri);
        var states = new StateRecorder(client);

        await client.StartAsync().WaitAsync(Waits.Max);

        var connecting = await states.NextAsync(HubConnectionState.Connecting);
        var connected = await states.NextAsync(HubConnectionState.Connected);
        Assert.Equal(HubConnectionState.Disconnected, connecting.PreviousState);
        Assert.Equal(HubConnectionState.Connecting, connected.PreviousState);
        Assert.Equal(server.Uri, connected.Endpoint);
        Assert.Equal(server.Uri, client.CurrentEndpoint);
    }

    [Fact]
    public async Task Call_before_StartAsync_throws_InvalidOperationException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = new HubClient(server.Uri);

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.CallAsync("echo"));
    }

    [Fact]
    public async Task Server_close_1001_reconnects_and_subscribes_again()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = new HubClient(server.Uri, Fast());
        var states = await StateRecorder.StartAsync(client);
        var received = Channel.CreateUnbounded<JObject?>();
        await using var subscription = await client.SubscribeAsync<JObject>("news", data => received.Writer.TryWrite(data)).WaitAsync(Waits.Max);

        await server.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "node going away");

        var reconnecting = await states.NextAsync(HubConnectionState.Reconnecting);
        await states.NextAsync(HubConnectionState.Connected);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, reconnecting.CloseStatus);
        Assert.Equal("node going away", reconnecting.CloseDescription);
        Assert.Equal(2, server.AcceptedConnections);
        Assert.Equal(1, await server.PublishAsync("news", new JObject { ["after"] = true }));
        Assert.True((bool?)(await received.Reader.ReadAsync().AsTask().WaitAsync(Waits.Max))?["after"]);
    }

    [Fact]
    public async Task Connection_lost_fails_pending_call_and_the_next_call_goes_to_the_new_connection()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = new HubClient(server.Uri, Fast());
        var states = await StateRecorder.StartAsync(client);
        var pending = client.CallAsync("hang");
        await server.WaitForRequestAsync("hang");

        await server.AbortAsync();

        var error = await Assert.ThrowsAsync<HubConnectionException>(() => pending.WaitAsync(Waits.Max));
        Assert.Null(error.CloseStatus);
        Assert.Equal(3, await client.CallAsync<int>("add", [1, 2]).WaitAsync(Waits.Max));
        Assert.Null((await states.NextAsync(HubConnectionState.Reconnecting)).CloseStatus);
    }

    [Fact]
    public async Task Call_while_reconnecting_waits_and_is_sent_once_reconnected()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = new HubClient(server.Uri, Fast());
        var states = await StateRecorder.StartAsync(client);
        server.RefuseConnections = true;
        await server.AbortAsync();
        await states.NextAsync(HubConnectionState.Reconnecting);

        var call = client.CallAsync<int>("add", [40, 2]);
        Assert.NotSame(call, await Task.WhenAny(call, Task.Delay(Waits.Quiet)));
        server.RefuseConnections = false;

        Assert.Equal(42, await call.WaitAsync(Waits.Max));
        Assert.Equal(HubConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task Call_while_reconnecting_with_FailFast_throws_HubConnectionException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = Fast();
        options.CallsWhileReconnecting = CallsWhileReconnecting.FailFast;
        await using var client = new HubClient(server.Uri, options);
        var states = await StateRecorder.StartAsync(client);
        server.RefuseConnections = true;

        await server.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "node going away");
        await states.NextAsync(HubConnectionState.Reconnecting);

        var error = await Assert.ThrowsAsync<HubConnectionException>(() => client.CallAsync("echo"));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, error.CloseStatus);
    }

    [Fact]
    public async Task Call_while_reconnecting_fails_with_TimeoutException_after_the_call_timeout()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = Fast();
        options.DefaultTimeout = TimeSpan.FromMilliseconds(300);
        await using var client = new HubClient(server.Uri, options);
        var states = await StateRecorder.StartAsync(client);
        server.RefuseConnections = true;
        await server.AbortAsync();
        await states.NextAsync(HubConnectionState.Reconnecting);

        await Assert.ThrowsAsync<TimeoutException>(() => client.CallAsync("echo").WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Reconnect_gives_up_after_MaxAttempts_and_fails_waiting_calls()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = Fast();
        options.Reconnect.MaxAttempts = 3;
        await using var client = new HubClient(server.Uri, options);
        var states = await StateRecorder.StartAsync(client);
        server.RefuseConnections = true;
        await server.AbortAsync();
        await states.NextAsync(HubConnectionState.Reconnecting);
        var waiting = client.CallAsync("echo");

        var disconnected = await states.NextAsync(HubConnectionState.Disconnected);

        await client.Closed.WaitAsync(Waits.Max);
        Assert.Contains("3 attempts", disconnected.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (disconnected.Exception as HubConnectionException)?.HttpStatusCode);
        await Assert.ThrowsAsync<HubConnectionException>(() => waiting.WaitAsync(Waits.Max));
        await Assert.ThrowsAsync<HubConnectionException>(() => client.CallAsync("echo"));
        Assert.Equal(HubConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task Reconnect_gives_up_after_MaxElapsed()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = Fast();
        options.Reconnect.MaxElapsed = TimeSpan.FromMilliseconds(300);
        await using var client = new HubClient(server.Uri, options);
        var states = await StateRecorder.StartAsync(client);
        server.RefuseConnections = true;

        await server.AbortAsync();

        var disconnected = await states.NextAsync(HubConnectionState.Disconnected);
        Assert.Contains("within", disconnected.Reason, StringComparison.Ordinal);
        await client.Closed.WaitAsync(Waits.Max);
    }

    [Fact]
    public async Task Server_that_keeps_closing_with_1008_is_retried_only_MaxAttempts_times()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = new HubClientOptions
        {
            Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(30), MaxAttempts = 3 },
        };
        await using var client = new HubClient(server.Uri, options);
        var states = await StateRecorder.StartAsync(client);
        server.CloseNewConnections(WebSocketCloseStatus.PolicyViolation, "authentication expired");

        await server.CloseAsync(WebSocketCloseStatus.PolicyViolation, "authentication expired");

        var disconnected = await states.NextAsync(HubConnectionState.Disconnected);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, disconnected.CloseStatus);
        Assert.Equal(4, server.AcceptedConnections);
    }

    [Fact]
    public async Task DisposeAsync_never_reconnects()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var client = new HubClient(server.Uri, Fast());
        var states = await StateRecorder.StartAsync(client);

        await client.DisposeAsync().AsTask().WaitAsync(Waits.Max);

        var disconnected = await states.NextAsync(HubConnectionState.Disconnected);
        Assert.Equal("The client was disposed.", disconnected.Reason);
        Assert.DoesNotContain(states.All, e => e.State == HubConnectionState.Reconnecting);
        Assert.Equal(1, server.AcceptedConnections);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await server.ClientCloseStatusAsync());
    }

    [Fact]
    public async Task DisposeAsync_while_reconnecting_stops_and_fails_waiting_calls()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var client = new HubClient(server.Uri, Fast());
        var states = await StateRecorder.StartAsync(client);
        server.RefuseConnections = true;
        await server.AbortAsync();
        await states.NextAsync(HubConnectionState.Reconnecting);
        var waiting = client.CallAsync("echo");

        await client.DisposeAsync().AsTask().WaitAsync(Waits.Max);

        await Assert.ThrowsAsync<HubConnectionException>(() => waiting.WaitAsync(Waits.Max));
        Assert.Equal(HubConnectionState.Disconnected, client.State);
        Assert.True(client.Closed.IsCompleted);
    }

    [Fact]
    public async Task AccessTokenProvider_is_asked_on_every_connect()
    {
        await using var server = await PlainJsonRpcServer.StartAsync(requiredToken: "s3cret");
        var asked = 0;
        var options = Fast();
        options.AccessTokenProvider = _ =>
        {
            Interlocked.Increment(ref asked);
            return ValueTask.FromResult<string?>("s3cret");
        };
        await using var client = new HubClient(server.Uri, options);
        var states = await StateRecorder.StartAsync(client);

        await server.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "node going away");
        await states.NextAsync(HubConnectionState.Connected);

        var headers = await client.CallAsync("whoami").WaitAsync(Waits.Max);
        Assert.Equal("Bearer s3cret", (string?)headers["authorization"]);
        Assert.Equal(2, Volatile.Read(ref asked));
    }

    [Fact]
    public async Task Reconnect_after_1001_moves_to_the_next_endpoint_and_subscribes_there()
    {
        await using var first = await PlainJsonRpcServer.StartAsync();
        await using var second = await PlainJsonRpcServer.StartAsync();
        var options = Fast();
        options.Endpoints.Add(second.Uri);
        await using var client = new HubClient(first.Uri, options);
        var states = await StateRecorder.StartAsync(client);
        var received = new TaskCompletionSource<JObject?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.SubscribeAsync<JObject>("news", data => received.TrySetResult(data)).WaitAsync(Waits.Max);

        await first.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "node going away");

        var connected = await states.NextAsync(HubConnectionState.Connected);
        Assert.Equal(second.Uri, connected.Endpoint);
        Assert.Equal(second.Uri, client.CurrentEndpoint);
        Assert.Equal(1, await second.PublishAsync("news", new JObject { ["on"] = "second" }));
        Assert.Equal("second", (string?)(await received.Task.WaitAsync(Waits.Max))?["on"]);
    }

    [Fact]
    public async Task Server_calls_are_served_again_after_a_reconnect()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = new HubClient(server.Uri, Fast());
        var states = await StateRecorder.StartAsync(client);
        client.On("confirm", _ => (object?)"yes");

        await server.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "node going away");
        await states.NextAsync(HubConnectionState.Connected);

        var reply = await server.CallClientAsync("confirm", null);
        Assert.Equal("yes", (string?)reply["result"]);
    }

    [Fact]
    public async Task Hub_restarted_on_the_same_port_gets_the_client_back_subscribed()
    {
        var url = "http://127.0.0.1:" + FreePort();
        var hub = await TestHub.StartAsync(url: url);
        await using var client = new HubClient(hub.WebSocketUri, Fast());
        var states = await StateRecorder.StartAsync(client);
        var received = Channel.CreateUnbounded<JObject?>();
        await using var subscription = await client.SubscribeAsync<JObject>("demo", data => received.Writer.TryWrite(data)).WaitAsync(Waits.Max);

        await hub.DisposeAsync();
        var reconnecting = await states.NextAsync(HubConnectionState.Reconnecting);
        await using var restarted = await TestHub.StartAsync(url: url);
        await WaitUntilSubscribedAsync(client, "demo");
        await restarted.Runtime.NotifyAsync("demo", new { after = "restart" });

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, reconnecting.CloseStatus);
        Assert.Equal("restart", (string?)(await received.Reader.ReadAsync().AsTask().WaitAsync(Waits.Max))?["after"]);
    }

    /// <summary>Reconnects within a few hundred milliseconds, so tests that restart servers stay short.</summary>
    internal static HubClientOptions Fast() => new()
    {
        Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
    };

    /// <summary>
    /// Asks the hub (through the client, whose calls wait while it reconnects) for the connection's subscriptions
    /// until <paramref name="topic"/> is one: a fresh hub only knows it from the client's resubscription. A call can
    /// still reach the old hub while it goes away; that one fails, and the next waits for the new connection.
    /// </summary>
    internal static async Task WaitUntilSubscribedAsync(HubClient client, string topic)
    {
        using var deadline = new CancellationTokenSource(Waits.Max);
        while (true)
        {
            try
            {
                if ((await client.CallAsync<string[]>("get_subscriptions", deadline.Token)).Contains(topic))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HubConnectionException or HubRpcException && !deadline.IsCancellationRequested)
            {
                // The old connection or node, going away.
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
