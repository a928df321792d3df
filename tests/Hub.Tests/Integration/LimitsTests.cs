using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Hub.Tests.Support;

namespace Hub.Tests.Integration;

/// <summary>The per-node and per-connection limits of issue 7, each past its edge.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task Upgrade_past_the_connection_cap_answers_503_and_a_freed_place_is_taken_again()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:MaxConnections"] = "2" });
        var first = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await using var second = await RawSocket.ConnectAsync(hub.WebSocketUri);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await RefusedStatusAsync(hub.WebSocketUri));
        await first.DisposeAsync();

        await Eventually.TrueAsync(async () =>
        {
            using var socket = new ClientWebSocket();
            try
            {
                await socket.ConnectAsync(hub.WebSocketUri, CancellationToken.None).WaitAsync(Waits.Max);
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        });
    }

    [Fact]
    public async Task Subscribe_past_the_subscription_cap_answers_32602_and_changes_nothing()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:Engine:max-subscriptions"] = "2" });
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var tooMany = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"demo\",\"bench\",\"clock\"],\"id\":1}");
        var two = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"demo\",\"bench\"],\"id\":2}");
        var third = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"clock\"],\"id\":3}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":\"at most 2 subscriptions per connection\"},\"id\":1}", tooMany);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\",\"demo\"],\"id\":2}", two);
        Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,", third, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_past_the_rate_limit_answer_32002()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:Engine:rate-limit:per-second"] = "1",
            ["Hub:Engine:rate-limit:burst"] = "3",
        });
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);
        var batch = "[" + string.Join(',', Enumerable.Range(1, 6).Select(i => "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + i + "}")) + "]";

        var reply = await socket.CallAsync(batch);

        Assert.Equal(
            "[" + string.Join(',', Enumerable.Range(1, 3).Select(i => "{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":" + i + "}"))
            + "," + string.Join(',', Enumerable.Range(4, 3).Select(i => "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32002,\"message\":\"Too many requests\"},\"id\":" + i + "}")) + "]",
            reply);
    }

    [Fact]
    public async Task Client_that_connects_and_sends_nothing_is_dropped_after_the_upgrade_timeout()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:UpgradeTimeout"] = "00:00:01" });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, hub.BaseUri.Port);

        var buffer = new byte[1024];
        using var deadline = new CancellationTokenSource(Waits.Max);
        int read;
        try
        {
            // Kestrel answers a request-headers timeout with 408 and closes, or just closes: either way the stream ends.
            do
            {
                read = await client.GetStream().ReadAsync(buffer, deadline.Token);
            }
            while (read > 0);
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.Equal(0, read);
    }

    private static async Task<HttpStatusCode?> RefusedStatusAsync(Uri uri)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(Waits.Max));
        return socket.HttpStatusCode;
    }
}
