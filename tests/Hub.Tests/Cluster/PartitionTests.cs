using System.Net;
using System.Net.WebSockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;
using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>
/// A network partition between C and {A, B}, made in-process with Akka.Remote's throttler (what Akka's TestConductor
/// does): every byte between C and the others is dropped, both ways, while all three keep running. The split-brain
/// resolver (keep-majority, cluster.hocon) then keeps A and B as the one cluster, and C downs itself. The
/// resolver waits 2 s of stable membership here instead of production's 20 s, so a partition ends in seconds.
/// </summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class PartitionTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Hub:Akka:Hocon"] = """
            akka.remote.dot-netty.tcp.applied-adapters = [trttl]
            akka.cluster.split-brain-resolver.stable-after = 2s
            """,
    };

    [Fact]
    public async Task Partition_leaves_A_and_B_as_the_one_cluster_still_serving_and_C_downed()
    {
        // Only B serves 'on_b', so a call to it from a client of A crosses nodes.
        await using var cluster = await TestCluster.StartAsync((node, hub) =>
        {
            if (node == 1)
            {
                hub.AddMethod("on_b", () => "b");
            }
        }, Settings);
        var (a, b, c) = (cluster.A, cluster.B, cluster.C);
        await using var caller = await RawSocket.ConnectAsync(a.WebSocketUri);
        await using var subscriber = await RawSocket.ConnectAsync(b.WebSocketUri);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\"],\"id\":1}", await subscriber.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":1}"));
        await PubSubWarmUp.RunAsync(a, [subscriber]);
        await Eventually.TrueAsync(() => Task.FromResult(a.Runtime.Methods.Directory.Names.Contains("on_b")), "A knows B's method");

        await PartitionAsync(cluster);

        // C is downed (by itself and by the others): its cluster is shut down and its actor system with it.
        await c.Runtime.System.WhenTerminated.WaitAsync(Waits.Max);
        Assert.True(ClusterOf(c).IsTerminated);
        Assert.Contains(ClusterOf(c).SelfMember.Status, new[] { MemberStatus.Down, MemberStatus.Removed });

        // A and B remove C and agree on the same cluster, {A, B}, all Up, none unreachable.
        var majority = new HashSet<UniqueAddress> { ClusterOf(a).SelfUniqueAddress, ClusterOf(b).SelfUniqueAddress };
        await Eventually.TrueAsync(() => Task.FromResult(SeesExactly(a, majority) && SeesExactly(b, majority)), "A and B each see exactly {A, B} Up");

        // No node serves two clusters: the only cluster left is {A, B}, C is in neither view, and C belongs to none.
        Assert.DoesNotContain(ClusterOf(c).SelfUniqueAddress, ClusterOf(a).State.Members.Select(m => m.UniqueAddress));
        Assert.DoesNotContain(ClusterOf(c).SelfUniqueAddress, ClusterOf(b).State.Members.Select(m => m.UniqueAddress));

        // And it still serves: a call from A to B's method is answered, a notification from A reaches B's client.
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"b\",\"id\":2}", await caller.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"on_b\",\"id\":2}"));
        await a.Runtime.NotifyAsync("bench", new { after = "partition" });
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"after\":\"partition\"}}", await subscriber.ReceiveAsync());
        Assert.True(await subscriber.IsQuietAsync());
    }

    [Fact]
    public async Task Partition_minority_node_closes_its_clients_with_1001_refuses_new_ones_and_stops()
    {
        await using var cluster = await TestCluster.StartAsync(extraSettings: Settings);
        var c = cluster.C;
        await using var client = await RawSocket.ConnectAsync(c.WebSocketUri);
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = c.App.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        await PartitionAsync(cluster);

        // 1001: the node is going away, so a client (Hub.Client does) reconnects to another node at once.
        await client.Closed.WaitAsync(Waits.Max);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        Assert.Equal("server shutting down", client.CloseStatusDescription);

        // The actor system ends, and with it the host (Program's Run then exits); meanwhile C takes no one new.
        await c.Runtime.System.WhenTerminated.WaitAsync(Waits.Max);
        await stopping.Task.WaitAsync(Waits.Max);
        using var refused = new ClientWebSocket();
        refused.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(c.WebSocketUri, CancellationToken.None).WaitAsync(Waits.Max));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.HttpStatusCode);
        using var http = new HttpClient { BaseAddress = c.BaseUri };
        using var call = new StringContent("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}", System.Text.Encoding.UTF8, "application/json");
        using var called = await http.PostAsync("/rpc", call).WaitAsync(Waits.Max);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, called.StatusCode);
        using var ready = await http.GetAsync("/readyz").WaitAsync(Waits.Max);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    /// <summary>Blackholes C from A and B, both ways on both sides, and waits until each side finds the other unreachable.</summary>
    private static async Task PartitionAsync(TestCluster cluster)
    {
        var (a, b, c) = (cluster.A, cluster.B, cluster.C);

        // The throttler is in the transport stack: every address reads akka.trttl.tcp, the seed's included.
        Assert.All(cluster.Nodes, n => Assert.Equal("akka.trttl.tcp", ClusterOf(n).SelfAddress.Protocol));

        await BlackholeAsync(a, c);
        await BlackholeAsync(b, c);
        await BlackholeAsync(c, a);
        await BlackholeAsync(c, b);

        await Eventually.TrueAsync(
            () => Task.FromResult(Unreachable(a).Contains(AddressOf(c)) && Unreachable(b).Contains(AddressOf(c)) && Unreachable(c).SetEquals([AddressOf(a), AddressOf(b)])),
            "A and B find C unreachable, and C finds A and B unreachable");
    }

    private static async Task BlackholeAsync(TestHub from, TestHub to)
    {
        var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)from.Runtime.System).Provider).Transport;
        var command = new SetThrottle(AddressOf(to), ThrottleTransportAdapter.Direction.Both, Blackhole.Instance);
        Assert.True(await transport.ManagementCommand(command).WaitAsync(Waits.Max));
    }

    private static bool SeesExactly(TestHub node, HashSet<UniqueAddress> members)
    {
        var state = ClusterOf(node).State;
        return state.Unreachable.Count == 0
            && state.Members.All(m => m.Status == MemberStatus.Up)
            && members.SetEquals(state.Members.Select(m => m.UniqueAddress));
    }

    private static HashSet<Address> Unreachable(TestHub node) => [.. ClusterOf(node).State.Unreachable.Select(m => m.Address)];

    private static Address AddressOf(TestHub node) => ClusterOf(node).SelfAddress;

    private static Akka.Cluster.Cluster ClusterOf(TestHub node) => Akka.Cluster.Cluster.Get(node.Runtime.System);
}
