using Akka.Cluster;
using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>A node killed outright: its calls fail fast, the split-brain resolver downs it, the rest keep serving.</summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class NodeCrashTests
{
    [Fact]
    public async Task Killed_node_is_downed_while_the_others_keep_serving_without_duplicates()
    {
        await using var a = await TestHub.StartAsync();
        var seed = Akka.Cluster.Cluster.Get(a.Runtime.System).SelfAddress.ToString();
        await using var b = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:Cluster:Seeds:0"] = seed });
        await using var c = await HubProcess.StartAsync(seed);
        await Eventually.TrueAsync(() => Task.FromResult(UpMembers(a) == 3 && UpMembers(b) == 3));
        await using var onA = await RawSocket.ConnectAsync(a.WebSocketUri);
        await using var onB = await RawSocket.ConnectAsync(b.WebSocketUri);
        await using var onC = await RawSocket.ConnectAsync(c.WebSocketUri);
        foreach (var socket in new[] { onA, onB })
        {
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\"],\"id\":1}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":1}"));
        }

        await PubSubWarmUp.RunAsync(a, [onA, onB]);

        // The sleep runs on C for a client of C; a client of A has nothing in flight there, so the crash shows as a
        // closed socket on C and as nothing at all on A and B.
        await onC.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[10000],\"id\":1}");
        c.Kill();
        await onC.Closed.WaitAsync(Waits.Max);

        for (var i = 0; i < 20; i++)
        {
            await a.Runtime.NotifyAsync("bench", new { i });
        }

        foreach (var socket in new[] { onA, onB })
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"i\":" + i + "}}", await socket.ReceiveAsync());
            }

            Assert.True(await socket.IsQuietAsync());
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":2}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2}"));
        }

        // keep-majority: A and B are two of three, so they down C (after stable-after, 20 s, in cluster.hocon).
        using var downed = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (UpMembers(a) != 2 || Akka.Cluster.Cluster.Get(a.Runtime.System).State.Unreachable.Count != 0)
        {
            await Task.Delay(250, downed.Token);
        }

        Assert.Equal(2, UpMembers(b));
    }

    private static int UpMembers(TestHub hub) =>
        Akka.Cluster.Cluster.Get(hub.Runtime.System).State.Members.Count(m => m.Status == MemberStatus.Up);
}
