using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Integration;

/// <summary>The order in which one connection's calls run (issue 12, item 4).</summary>
public sealed class CallOrderTests
{
    [Fact]
    public async Task Demo_publish_calls_sent_back_to_back_reach_a_subscriber_in_the_order_sent()
    {
        await using var hub = await TestHub.StartAsync();
        await using var subscriber = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await subscriber.CallAsync("""{"jsonrpc":"2.0","method":"subscribe","params":["demo"],"id":1}""");
        await using var publisher = await RawSocket.ConnectAsync(hub.WebSocketUri);
        const int count = 200;

        // Each in a frame of its own, none waiting for the one before: a chat client sending as the user types.
        for (var i = 0; i < count; i++)
        {
            await publisher.SendAsync($$"""{"jsonrpc":"2.0","method":"publish","params":["demo",{"n":{{i}}}],"id":{{i}}}""");
        }

        var received = new List<int>();
        while (received.Count < count)
        {
            received.Add((int)JObject.Parse(await subscriber.ReceiveAsync())["params"]!["n"]!);
        }

        Assert.Equal(Enumerable.Range(0, count), received);
    }

    [Fact]
    public async Task Sequential_method_runs_one_call_of_a_connection_at_a_time_in_arrival_order()
    {
        var order = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var running = 0;
        var most = 0;
        await using var hub = await TestHub.StartAsync(configure: h => h.AddMethod("step", [Sequential] async (int n) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);

            // The first call is the slowest: run concurrently, the others would finish before it.
            await Task.Delay(n == 0 ? 200 : 1);
            order.Enqueue(n);
            Interlocked.Decrement(ref running);
            return n;
        }));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        for (var i = 0; i < 10; i++)
        {
            await socket.SendAsync($$"""{"jsonrpc":"2.0","method":"step","params":[{{i}}],"id":{{i}}}""");
        }

        var replies = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            replies.Add((int)JObject.Parse(await socket.ReceiveAsync())["id"]!);
        }

        Assert.Equal(Enumerable.Range(0, 10), order);
        Assert.Equal(Enumerable.Range(0, 10), replies);
        Assert.Equal(1, most);
    }

    [Fact]
    public async Task Method_not_declared_sequential_runs_a_connections_calls_concurrently()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = await TestHub.StartAsync(configure: h => h.AddMethod("wait", async (bool hold) =>
        {
            if (hold)
            {
                await release.Task;
            }

            return hold;
        }));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        await socket.SendAsync("""{"jsonrpc":"2.0","method":"wait","params":[true],"id":1}""");
        await socket.SendAsync("""{"jsonrpc":"2.0","method":"wait","params":[false],"id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":false,"id":2}""", await socket.ReceiveAsync());
        release.SetResult();
        Assert.Equal("""{"jsonrpc":"2.0","result":true,"id":1}""", await socket.ReceiveAsync());
    }

    [Fact]
    public async Task Sequential_call_does_not_hold_calls_of_other_methods()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = await TestHub.StartAsync(configure: h => h.AddMethod("hold", async () => await release.Task).Sequential());
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        await socket.SendAsync("""{"jsonrpc":"2.0","method":"hold","id":1}""");
        await socket.SendAsync("""{"jsonrpc":"2.0","method":"ping","id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":"pong","id":2}""", await socket.ReceiveAsync());
        release.SetResult();
        Assert.Equal("""{"jsonrpc":"2.0","result":null,"id":1}""", await socket.ReceiveAsync());
    }

    [Fact]
    public async Task Sequential_call_past_its_timeout_while_waiting_answers_32001_and_never_runs()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = 0;
        await using var hub = await TestHub.StartAsync(configure: h => h
            .AddMethod("hold", async () => await release.Task).Sequential()
            .AddMethod("quick", () => Interlocked.Increment(ref ran), timeout: TimeSpan.FromMilliseconds(200)).Sequential());
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        // The sequential methods of a connection share one line: quick waits behind hold, past its own timeout.
        await socket.SendAsync("""{"jsonrpc":"2.0","method":"hold","id":1}""");
        await socket.SendAsync("""{"jsonrpc":"2.0","method":"quick","id":2}""");
        var timedOut = await socket.ReceiveAsync();
        release.SetResult();

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32001,"message":"Request timed out"},"id":2}""", timedOut);
        Assert.Equal("""{"jsonrpc":"2.0","result":null,"id":1}""", await socket.ReceiveAsync());
        Assert.Equal("""{"jsonrpc":"2.0","result":1,"id":3}""", await socket.CallAsync("""{"jsonrpc":"2.0","method":"quick","id":3}"""));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
