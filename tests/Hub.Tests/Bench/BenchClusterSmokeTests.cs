using Hub.Bench.Load;
using Hub.Tests.Cluster;

namespace Hub.Tests.Bench;

/// <summary>
/// The cluster scenario's fan-out (publisher on node 1, subscribers spread over three nodes) for about a second, and the
/// soak (clients calling and subscribed on all three nodes, a publisher on each) for two.
/// </summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class BenchClusterSmokeTests
{
    [Fact]
    public async Task Fanout_over_three_nodes_delivers_every_publish_to_every_subscriber()
    {
        await using var cluster = await TestCluster.StartAsync();
        var target = new Target("cluster", WireDialect.JsonRpc, cluster.Nodes.Select(n => n.WebSocketUri).ToArray(), []);

        var options = new FanoutOptions(Subscribers: 6, InFlight: 8, DurationSeconds: 1, WarmupSeconds: 0.2, Rate: 500, DrainSeconds: 30);
        var result = await FanoutScenario.RunAsync(target, options, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Null(result.Failure);
        Assert.True(result.Deliveries > 0);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Errors);
        Assert.Equal(3, result.NodeLatency.Count(n => n.Count > 0));
    }

    [Fact]
    public async Task Soak_over_three_nodes_answers_every_call_and_delivers_every_publish()
    {
        await using var cluster = await TestCluster.StartAsync();
        // The three in-process nodes share the test's process: each node's memory and threads are the process's.
        var pid = Environment.ProcessId;
        var target = new Target("cluster", WireDialect.JsonRpc, cluster.Nodes.Select(n => n.WebSocketUri).ToArray(), [pid, pid, pid]);

        var options = new SoakOptions(
            Clients: 6, DurationSeconds: 2, CallRate: 20, InFlight: 4, Publishers: 3, PublishRate: 20, SampleSeconds: 1, DrainSeconds: 10, SettleSeconds: 0.1);
        var result = await SoakScenario.RunAsync(target, options, progress: null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Empty(result.Problems);
        Assert.True(result.CallsAnswered > 0);
        Assert.True(result.PublishesAnswered > 0);
        Assert.Equal(3, result.ByNode.Count(n => n.Expected > 0));
        Assert.All(result.Samples, s => Assert.All(s.Nodes, n => Assert.True(n.Threads > 0 && n.ResidentBytes > 0)));
    }
}
