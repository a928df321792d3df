using Hub.Tests.Cluster;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

/// <summary>Hub.Client against three nodes: a node going away moves the client to another, subscriptions and all.</summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class HubClientClusterTests
{
    [Fact]
    public async Task Client_of_a_stopped_node_continues_on_another_subscribed_and_receiving()
    {
        await using var cluster = await TestCluster.StartAsync();
        var stopping = cluster.C;
        var options = HubClientReconnectTests.Fast();
        options.Endpoints.Add(cluster.A.WebSocketUri);
        options.Endpoints.Add(cluster.B.WebSocketUri);
        await using var client = new HubClient(stopping.WebSocketUri, options);
        var states = await StateRecorder.StartAsync(client);
        var received = System.Threading.Channels.Channel.CreateUnbounded<JObject?>();
        await using var subscription = await client.SubscribeAsync<JObject>("demo", data => received.Writer.TryWrite(data)).WaitAsync(Waits.Max);

        await cluster.StopAsync(stopping);
        var reconnecting = await states.NextAsync(HubConnectionState.Reconnecting);
        await HubClientReconnectTests.WaitUntilSubscribedAsync(client, "demo");

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, reconnecting.CloseStatus);
        Assert.NotEqual(stopping.WebSocketUri, client.CurrentEndpoint);
        Assert.Equal(3, await client.CallAsync<double>("add", [1, 2]).WaitAsync(Waits.Max));
        var marker = await PublishFromOtherNodeUntilReceivedAsync(cluster, client, received.Reader);
        Assert.Equal(marker, (int?)(await received.Reader.ReadAsync().AsTask().WaitAsync(Waits.Max))?["n"]);
    }

    /// <summary>
    /// The new subscription reaches the other nodes by DistributedPubSub gossip (about a second), with no signal to
    /// await: publish numbered notifications from a node the client is not on until one arrives (the repo's
    /// PubSubWarmUp pattern), then publish a marker that must be the next to arrive.
    /// </summary>
    private static async Task<int> PublishFromOtherNodeUntilReceivedAsync(TestCluster cluster, HubClient client, System.Threading.Channels.ChannelReader<JObject?> received)
    {
        var publisher = cluster.Nodes.First(n => n.WebSocketUri != client.CurrentEndpoint);
        using var deadline = new CancellationTokenSource(Waits.Max);
        var n = 0;
        var first = received.ReadAsync(deadline.Token).AsTask();
        while (!first.IsCompleted)
        {
            await publisher.Runtime.NotifyAsync("demo", new { n = n++ });
            await Task.WhenAny(first, Task.Delay(100, deadline.Token));
        }

        // Drain the warm-ups still on their way, then the marker comes next.
        var last = (int?)(await first)?["n"];
        while (last != n - 1)
        {
            last = (int?)(await received.ReadAsync(deadline.Token))?["n"];
        }

        await publisher.Runtime.NotifyAsync("demo", new { n = 1_000_000 });
        return 1_000_000;
    }
}
