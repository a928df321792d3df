using System.Net.WebSockets;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Integration;

/// <summary>Behaviour that needs a hub of its own: extra methods, small limits, shutdown.</summary>
public sealed class EngineBehaviourTests
{
    [Fact]
    public async Task Server_to_client_call_returns_the_clients_answer()
    {
        await using var hub = await TestHub.StartAsync(configure: h => h.AddMethod("confirm_with_client", async (HubCallContext context) =>
            (string)(await context.CallClientAsync("confirm", new { question = "sure?" }))!));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"confirm_with_client\",\"id\":1}");
        var call = JObject.Parse(await socket.ReceiveAsync());
        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"result\":\"yes\",\"id\":\"" + (string)call["id"]! + "\"}");

        Assert.Equal("confirm", (string)call["method"]!);
        Assert.StartsWith("s:", (string)call["id"]!, StringComparison.Ordinal);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"yes\",\"id\":1}", await socket.ReceiveReplyAsync());
    }

    [Fact]
    public async Task Server_to_client_call_answered_with_an_error_reaches_the_handler_as_HubRpcException()
    {
        await using var hub = await TestHub.StartAsync(configure: h => h.AddMethod("ask", async (HubCallContext context) =>
        {
            try
            {
                await context.CallClientAsync("unknown_on_client");
                return "answered";
            }
            catch (HubRpcException ex)
            {
                return "error " + ex.Code;
            }
        }));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ask\",\"id\":1}");
        var call = JObject.Parse(await socket.ReceiveAsync());
        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":\"" + (string)call["id"]! + "\"}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"error -32601\",\"id\":1}", await socket.ReceiveReplyAsync());
    }

    [Fact]
    public async Task Method_past_its_timeout_answers_32001_and_its_token_is_cancelled()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = await TestHub.StartAsync(configure: h => h.AddMethod("hang", async (CancellationToken token) =>
        {
            using var registration = token.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, token);
        }, timeout: TimeSpan.FromMilliseconds(200)));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"hang\",\"id\":7}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32001,\"message\":\"Request timed out\"},\"id\":7}", reply);
        await cancelled.Task.WaitAsync(Waits.Max);
    }

    [Fact]
    public async Task Requests_past_the_in_flight_limit_answer_32002()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:Engine:max-in-flight"] = "2" });
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        await socket.SendAsync("[{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[300],\"id\":1},{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[300],\"id\":2},{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":3}]");

        Assert.Equal(
            "[{\"jsonrpc\":\"2.0\",\"result\":300,\"id\":1},{\"jsonrpc\":\"2.0\",\"result\":300,\"id\":2},{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32002,\"message\":\"Too many requests\"},\"id\":3}]",
            await socket.ReceiveReplyAsync());
    }

    [Fact]
    public async Task Reader_that_stops_reading_is_closed_with_1008_while_others_keep_receiving()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:Engine:outbound:max-messages"] = "20",
            ["Hub:Engine:outbound:max-bytes"] = "1 MiB",
        });
        var stalled = await RawSocket.ConnectAsync(hub.WebSocketUri, receive: false);
        await stalled.Socket.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":1}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        await using var healthy = await RawSocket.ConnectAsync(hub.WebSocketUri);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\"],\"id\":1}", await healthy.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":1}"));
        await Eventually.TrueAsync(async () => await hub.Runtime.CountConnectionsAsync() == 2);
        var payload = new string('p', 16 * 1024);

        // Publish one at a time while the healthy reader keeps up, until the stalled reader has filled its
        // socket buffers and then its outbound queue and been dropped (bounded: 64 MiB at most).
        var published = 0;
        while (await hub.Runtime.CountConnectionsAsync() == 2)
        {
            Assert.True(published < 4096, "the stalled reader was never closed");
            await hub.Runtime.NotifyAsync("bench", new { i = published, payload });
            var frame = await healthy.ReceiveAsync();
            Assert.Contains("\"i\":" + published + ",", frame, StringComparison.Ordinal);
            published++;
        }

        await hub.Runtime.NotifyAsync("bench", new { i = published, payload });
        Assert.Contains("\"i\":" + published + ",", await healthy.ReceiveAsync(), StringComparison.Ordinal);
        var status = await ReadUntilClosedAsync(stalled.Socket);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status.Status);
        Assert.Equal("slow consumer", status.Description);
        stalled.Socket.Dispose();
    }

    [Fact]
    public async Task Graceful_shutdown_finishes_in_flight_calls_refuses_new_ones_and_closes_with_1001()
    {
        var hub = await TestHub.StartAsync();
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[500],\"id\":\"in-flight\"}");

        // Frames are handled in order: once the ping is answered, the sleep is in flight.
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":0}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":0}"));

        var stopping = hub.DisposeAsync().AsTask();
        await Eventually.TrueAsync(() => Task.FromResult(hub.Runtime.IsDraining));
        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":\"late\"}");

        var replies = new[] { await socket.ReceiveReplyAsync(), await socket.ReceiveReplyAsync() };
        Assert.Contains("{\"jsonrpc\":\"2.0\",\"result\":500,\"id\":\"in-flight\"}", replies);
        Assert.Contains("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32004,\"message\":\"Server shutting down\"},\"id\":\"late\"}", replies);
        await socket.Closed.WaitAsync(Waits.Max);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<(WebSocketCloseStatus? Status, string? Description)> ReadUntilClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(Waits.Max);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (WebSocketException)
        {
            // Aborted after the close frame; CloseStatus still holds what was received.
        }

        return (socket.CloseStatus, socket.CloseStatusDescription);
    }
}
