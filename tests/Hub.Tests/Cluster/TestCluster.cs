using Akka.Cluster;
using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>
/// Three hub nodes in this process on 127.0.0.1, with ports picked freely and the same settings the compose file
/// passes (<c>Hub:Cluster:*</c>, which HUB_HOSTNAME, HUB_PORT, HUB_PUBLIC_HOSTNAME and HUB_SEEDS map to): the first is
/// the seed and lists itself, the others join it.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(List<TestHub> nodes) => Nodes = nodes;

    public List<TestHub> Nodes { get; }

    public TestHub A => Nodes[0];

    public TestHub B => Nodes[1];

    public TestHub C => Nodes[2];

    /// <summary>Starts three nodes; <paramref name="configure"/> adds methods per node (index 0, 1, 2).</summary>
    public static async Task<TestCluster> StartAsync(Action<int, HubBuilder>? configure = null, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        Dictionary<string, string?> NodeSettings(string? seed)
        {
            var settings = TestCluster.NodeSettings(seed);
            foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
            {
                settings[key] = value;
            }

            return settings;
        }

        var seed = await TestHub.StartAsync(NodeSettings(null), h => configure?.Invoke(0, h));
        var seedAddress = Akka.Cluster.Cluster.Get(seed.Runtime.System).SelfAddress.ToString();
        var nodes = new List<TestHub> { seed };
        try
        {
            var others = await Task.WhenAll(
                TestHub.StartAsync(NodeSettings(seedAddress), h => configure?.Invoke(1, h)),
                TestHub.StartAsync(NodeSettings(seedAddress), h => configure?.Invoke(2, h)));
            nodes.AddRange(others);
            var cluster = new TestCluster(nodes);
            await cluster.WaitUntilAllUpAsync();
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Starts one more node that joins the running cluster through the first node, and waits until every node sees
    /// all as Up; <paramref name="configure"/> and <paramref name="extraSettings"/> as for <see cref="StartAsync"/>.
    /// </summary>
    public async Task<TestHub> JoinAsync(Action<HubBuilder>? configure = null, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var settings = NodeSettings(Akka.Cluster.Cluster.Get(A.Runtime.System).SelfAddress.ToString());
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var node = await TestHub.StartAsync(settings, configure);
        Nodes.Add(node);
        await WaitUntilAllUpAsync();
        return node;
    }

    /// <summary>Stops one node gracefully (it leaves the cluster) and removes it.</summary>
    public async Task StopAsync(TestHub node)
    {
        Nodes.Remove(node);
        await node.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
    }

    /// <summary>A socket on every node, each subscribed to <c>bench</c>.</summary>
    public async Task<List<RawSocket>> SubscribeOnEveryNodeAsync()
    {
        var subscribers = new List<RawSocket>();
        foreach (var node in Nodes)
        {
            var socket = await RawSocket.ConnectAsync(node.WebSocketUri);
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\"],\"id\":\"sub\"}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":\"sub\"}"));
            subscribers.Add(socket);
        }

        return subscribers;
    }

    public static async Task DisposeAllAsync(List<RawSocket> sockets)
    {
        foreach (var socket in sockets)
        {
            await socket.DisposeAsync();
        }
    }

    /// <summary>The settings of a node on 127.0.0.1 with a free cluster port, joining <paramref name="seed"/> (none: it is the seed).</summary>
    public static Dictionary<string, string?> NodeSettings(string? seed)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub:Cluster:Hostname"] = "127.0.0.1",
            ["Hub:Cluster:PublicHostname"] = "127.0.0.1",
            ["Hub:Cluster:Port"] = "0",
        };
        if (seed is not null)
        {
            settings["Hub:Cluster:Seeds:0"] = seed;
        }

        return settings;
    }

    private async Task WaitUntilAllUpAsync()
    {
        // Membership has no awaitable signal across three systems; check it, bounded.
        await Eventually.TrueAsync(
            () => Task.FromResult(Nodes.All(n => Akka.Cluster.Cluster.Get(n.Runtime.System).State.Members.Count(m => m.Status == MemberStatus.Up) == Nodes.Count)),
            "every node Up on every node");
    }
}
