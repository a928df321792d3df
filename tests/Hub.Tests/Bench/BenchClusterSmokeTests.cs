using Hub.Bench.Load;
using Hub.Tests.Cluster;

namespace Hub.Tests.Bench;

/// <summary>The cluster scenario's fan-out (publisher on node 1, subscribers spread over three nodes) for about a second.</summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class BenchClusterSmokeTests
{
    [Fact]
    public async Task Fanout_over_three_nodes_delivers_every_publish_to_every_subscriber()
    {
        await using var cluster = await TestCluster.StartAsync();
        var target = new Target("cluster", WireDialect.JsonRpc, cluster.Nodes.Select(n => n.WebSocketUri).ToArray(), []);

        var options = new FanoutOptions(Subscribers: 6, InFlight: 8, DurationSeconds: 1, WarmupSeconds: 0.2, Rate: 500);
        var result = await FanoutScenario.RunAsync(target, options, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Null(result.Failure);
        Assert.True(result.Deliveries > 0);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Errors);
        Assert.Equal(3, result.NodeLatency.Count(n => n.Count > 0));
    }
}
