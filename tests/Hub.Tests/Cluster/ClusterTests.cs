using System.Net.WebSockets;
using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>
/// Pub/sub and calls across three nodes. A subscription reaches other nodes by DistributedPubSub gossip (about a
/// second), so tests first publish warm-up notifications until every subscriber has one; what is published after
/// that is asserted exactly.
/// </summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class ClusterTests
{
    [Fact]
    public async Task Notify_on_one_node_reaches_every_subscriber_on_every_node_exactly_once()
    {
        await using var cluster = await TestCluster.StartAsync();
        var subscribers = await cluster.SubscribeOnEveryNodeAsync();

        await PubSubWarmUp.RunAsync(cluster.A, subscribers);
        await cluster.A.Runtime.NotifyAsync("bench", new { marker = "once" });

        foreach (var subscriber in subscribers)
        {
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"marker\":\"once\"}}", await subscriber.ReceiveAsync());
            Assert.True(await subscriber.IsQuietAsync());
        }

        await TestCluster.DisposeAllAsync(subscribers);
    }

    [Fact]
    public async Task Unsubscribing_on_one_node_stops_only_its_deliveries()
    {
        await using var cluster = await TestCluster.StartAsync();
        var subscribers = await cluster.SubscribeOnEveryNodeAsync();
        await PubSubWarmUp.RunAsync(cluster.A, subscribers);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":\"u\"}", await subscribers[2].CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"unsubscribe\",\"params\":[\"bench\"],\"id\":\"u\"}"));
        await cluster.A.Runtime.NotifyAsync("bench", new { marker = "after" });

        Assert.Contains("after", await subscribers[0].ReceiveAsync(), StringComparison.Ordinal);
        Assert.Contains("after", await subscribers[1].ReceiveAsync(), StringComparison.Ordinal);
        Assert.True(await subscribers[2].IsQuietAsync());
        await TestCluster.DisposeAllAsync(subscribers);
    }

    [Fact]
    public async Task Notifications_from_one_publisher_arrive_in_order_on_other_nodes()
    {
        await using var cluster = await TestCluster.StartAsync();
        var subscribers = await cluster.SubscribeOnEveryNodeAsync();
        await PubSubWarmUp.RunAsync(cluster.A, subscribers);

        // Not awaited one by one: each call hands its notification to the cluster before it returns, so the
        // order of the calls is the publish order the engine must keep.
        const int Count = 200;
        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => cluster.A.Runtime.NotifyAsync("bench", new { seq = i })));

        foreach (var subscriber in subscribers.Skip(1))
        {
            for (var i = 0; i < Count; i++)
            {
                Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"seq\":" + i + "}}", await subscriber.ReceiveAsync());
            }
        }

        await TestCluster.DisposeAllAsync(subscribers);
    }

    [Fact]
    public async Task Retained_value_published_on_one_node_comes_first_to_a_new_subscriber_on_another()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var publisher = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await using var late = await RawSocket.ConnectAsync(cluster.B.WebSocketUri);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}", await publisher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"demo\",{\"retained\":\"on A\"},true],\"id\":1}"));
        await late.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"demo\"],\"id\":2}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"demo\",\"params\":{\"retained\":\"on A\"}}", await late.ReceiveAsync());
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"demo\"],\"id\":2}", await late.ReceiveAsync());
    }

    [Fact]
    public async Task Method_served_by_one_node_is_listed_and_callable_from_the_others()
    {
        await using var cluster = await TestCluster.StartAsync((node, hub) =>
        {
            if (node == 2)
            {
                hub.AddMethod("only_on_c", (HubCallContext context) => "served by C for " + context.ConnectionId);
            }
        });
        await using var onA = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await using var onB = await RawSocket.ConnectAsync(cluster.B.WebSocketUri);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("only_on_c") && cluster.B.Runtime.Methods.Directory.Names.Contains("only_on_c")));

        var methods = await onA.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_methods\",\"id\":1}");
        var fromA = await onA.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"only_on_c\",\"id\":2}");
        var fromB = await onB.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"only_on_c\",\"id\":3}");

        Assert.Contains("\"notify_hello\",\"only_on_c\",\"ping\"", methods, StringComparison.Ordinal);
        Assert.Matches("^\\{\"jsonrpc\":\"2.0\",\"result\":\"served by C for ws-\\d+\",\"id\":2\\}$", fromA);
        Assert.Matches("^\\{\"jsonrpc\":\"2.0\",\"result\":\"served by C for ws-\\d+\",\"id\":3\\}$", fromB);
    }

    [Fact]
    public async Task Method_with_a_custom_test_served_by_another_node_is_not_listed_and_refuses_as_unknown()
    {
        await using var cluster = await TestCluster.StartAsync((node, hub) =>
        {
            if (node == 2)
            {
                hub.AddMethod("open_on_c", () => "open").AddMethod("tested_on_c", () => "secret").Require(user => user.Name == "alice");
            }
        });
        await using var onA = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("tested_on_c")));

        var methods = await onA.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_methods\",\"id\":1}");
        var call = await onA.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"tested_on_c\",\"id\":2}");

        Assert.Contains("\"open_on_c\"", methods, StringComparison.Ordinal);
        Assert.DoesNotContain("tested_on_c", methods, StringComparison.Ordinal);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":2}", call);
    }

    [Fact]
    public async Task Sequential_method_served_by_another_node_runs_a_connections_calls_in_arrival_order()
    {
        var order = new System.Collections.Concurrent.ConcurrentQueue<int>();
        await using var cluster = await TestCluster.StartAsync((node, hub) =>
        {
            if (node == 2)
            {
                hub.AddMethod("step_on_c", async (int n) =>
                {
                    await Task.Delay(n == 0 ? 200 : 1);
                    order.Enqueue(n);
                    return n;
                }).Sequential();
            }
        });
        await using var onA = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("step_on_c")));

        for (var i = 0; i < 5; i++)
        {
            await onA.SendAsync($$"""{"jsonrpc":"2.0","method":"step_on_c","params":[{{i}}],"id":{{i}}}""");
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($$"""{"jsonrpc":"2.0","result":{{i}},"id":{{i}}}""", await onA.ReceiveAsync());
        }

        Assert.Equal(Enumerable.Range(0, 5), order);
    }

    [Fact]
    public async Task Calls_in_flight_to_a_node_that_stops_get_32003()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var cluster = await TestCluster.StartAsync((node, hub) =>
        {
            if (node == 2)
            {
                hub.AddMethod("slow_on_c", async (CancellationToken token) =>
                {
                    started.TrySetResult();
                    await Task.Delay(TimeSpan.FromSeconds(20), token);
                    return "late";
                });
            }
        });
        await using var onA = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("slow_on_c")));

        await onA.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"slow_on_c\",\"id\":\"in-flight\"}");
        await started.Task.WaitAsync(Waits.Max);
        var stopping = cluster.StopAsync(cluster.C);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32003,\"message\":\"Method unavailable\"},\"id\":\"in-flight\"}", await onA.ReceiveReplyAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => Task.FromResult(!cluster.A.Runtime.Methods.Directory.Names.Contains("slow_on_c")));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":2}", await onA.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"slow_on_c\",\"id\":2}"));
    }

    [Fact]
    public async Task Node_that_stops_gracefully_closes_its_clients_with_1001_and_the_rest_still_deliver()
    {
        await using var cluster = await TestCluster.StartAsync();
        var subscribers = await cluster.SubscribeOnEveryNodeAsync();
        await PubSubWarmUp.RunAsync(cluster.A, subscribers);

        await cluster.StopAsync(cluster.C);
        await subscribers[2].Closed.WaitAsync(Waits.Max);
        await cluster.A.Runtime.NotifyAsync("bench", new { marker = "after C" });

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, subscribers[2].CloseStatus);
        Assert.Contains("after C", await subscribers[0].ReceiveAsync(), StringComparison.Ordinal);
        Assert.Contains("after C", await subscribers[1].ReceiveAsync(), StringComparison.Ordinal);
        await TestCluster.DisposeAllAsync(subscribers);
    }
}
