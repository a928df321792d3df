using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Hub.Connections;
using Hub.Engine;
using Hub.Tests.Support;

namespace Hub.Tests.Actors;

/// <summary>
/// A TestKit whose actor system is a one-node cluster (the engine needs DistributedPubSub and DistributedData):
/// remoting on 127.0.0.1, port 0, with the engine defaults; each test waits until the node has joined itself.
/// </summary>
public abstract class ClusterTestKit(ITestOutputHelper output) : TestKit(ClusterConfig, output: output), IAsyncLifetime
{
    private static readonly Config ClusterConfig = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.cluster.pub-sub.send-to-dead-letters-when-no-subscribers = off
        # A lone node is Up (and later Removed) on the leader's tick: ticking sooner shortens each test by about a second.
        akka.cluster.periodic-tasks-initial-delay = 50ms
        akka.cluster.leader-actions-interval = 100ms
        """).WithFallback(HubSettings.DefaultConfig());

    public async Task InitializeAsync()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(Waits.Max);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Starts the engine on this test's actor system, with its methods, topics and limits.</summary>
    private protected HubRuntime StartHub(Action<HubBuilder>? configure = null, HubSettings? settings = null)
    {
        var builder = new HubBuilder();
        configure?.Invoke(builder);
        return HubRuntime.Start(Sys, builder, settings ?? new HubSettings());
    }

    /// <summary>Opens a connection (WebSocket, or HTTP with <paramref name="isHttp"/>) on <paramref name="runtime"/> over <paramref name="transport"/>.</summary>
    private protected static async Task<IActorRef> OpenAsync(HubRuntime runtime, IConnectionTransport transport, bool isHttp = false)
    {
        var opened = await runtime.OpenAsync(transport, user: null, isHttp).WaitAsync(Waits.Max);
        return opened.Connection;
    }

    /// <summary>Sends one client frame as the WebSocket read loop does, and waits until the actor returns its credit.</summary>
    private protected static async Task SendFrameAsync(IActorRef connection, string json)
    {
        var credit = new InboundCredit(1);
        await credit.TakeAsync();
        connection.Tell(new ConnectionProtocol.InboundFrame(System.Text.Encoding.UTF8.GetBytes(json), credit));
        await credit.TakeAsync().AsTask().WaitAsync(Waits.Max);
    }
}
