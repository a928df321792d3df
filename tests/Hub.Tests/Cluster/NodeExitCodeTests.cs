using Akka.Cluster;
using Hub.Host;
using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>
/// A node process's exit code tells a restart policy what happened: a node the cluster downed exits
/// <see cref="HubHost.DownedExitCode"/> (so compose's <c>on-failure</c> or systemd brings it back to join again), a
/// node stopped with SIGTERM exits 0.
/// </summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class NodeExitCodeTests
{
    private static readonly TimeSpan ExitWithin = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Node_downed_by_the_cluster_exits_with_the_downed_exit_code()
    {
        await using var a = await TestHub.StartAsync();
        var cluster = Akka.Cluster.Cluster.Get(a.Runtime.System);
        await using var c = await HubProcess.StartAsync(cluster.SelfAddress.ToString());
        await Eventually.TrueAsync(() => Task.FromResult(cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 2));
        var address = cluster.State.Members.Single(m => m.Address != cluster.SelfAddress).Address;

        // What the split-brain resolver does to the minority side: the node learns it is down and stops.
        cluster.Down(address);

        var code = await c.WaitForExitAsync(ExitWithin);
        Assert.NotEqual(0, code);
        Assert.Equal(HubHost.DownedExitCode, code);
    }

    [Fact]
    public async Task Node_stopped_with_sigterm_exits_zero()
    {
        await using var a = await TestHub.StartAsync();
        var cluster = Akka.Cluster.Cluster.Get(a.Runtime.System);
        await using var c = await HubProcess.StartAsync(cluster.SelfAddress.ToString());
        await Eventually.TrueAsync(() => Task.FromResult(cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 2));

        c.Terminate();

        Assert.Equal(0, await c.WaitForExitAsync(ExitWithin));
    }
}
