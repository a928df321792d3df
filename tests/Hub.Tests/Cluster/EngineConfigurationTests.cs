using Akka.Actor;
using Akka.Configuration;
using Hub.Auth;
using Hub.Cluster;
using Hub.Cluster.Serialization;
using Hub.Engine;
using Hub.Methods;
using Hub.Protocol;
using Hub.Tests.Support;
using Hub.Topics;

namespace Hub.Tests.Cluster;

/// <summary>
/// Nodes started with the engine's own configuration (<c>hocon/hub.hocon</c>, <see cref="HubSettings.DefaultConfig"/>)
/// and the least a cluster member needs (provider, address), without the host's <c>hocon/cluster.hocon</c>: Hub's
/// messages still cross with Hub's serializer, since its binding is part of the engine.
/// </summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class EngineConfigurationTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(NodeConfig, SystemName, output)
{
    private const string SystemName = "hub";

    private static readonly Config NodeConfig = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """).WithFallback(HubSettings.DefaultConfig());

    public static TheoryData<string> Messages() => ["deliver", "node methods", "invoke", "completed"];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Hub_message_on_a_node_with_engine_configuration_alone_is_bound_to_the_hub_serializer(string name)
    {
        object message = name switch
        {
            "deliver" => new TopicProtocol.Deliver("news", "{}"u8.ToArray(), 1, 2),
            "node methods" => new NodeMethods([new RegisteredMethod("echo", null, false, [])]),
            "invoke" => new MethodProtocol.Invoke(1, RequestId.Null, "echo", null, new MethodProtocol.Caller("c1", HubUser.Anonymous, TestActor), TimeSpan.FromSeconds(1)),
            _ => new MethodProtocol.Completed(1, "{}"u8.ToArray()),
        };

        var serializer = Sys.Serialization.FindSerializerFor(message);

        Assert.IsType<HubMessageSerializer>(serializer);
    }

    [Fact]
    public async Task Nodes_with_engine_configuration_alone_carry_a_method_entry_and_a_notification_across()
    {
        var other = ActorSystem.Create(SystemName, NodeConfig);
        try
        {
            var a = HubRuntime.Start(Sys, new HubBuilder().AddMethod("echo", (string text) => text).AddTopic("news"), new HubSettings());
            var b = HubRuntime.Start(other, new HubBuilder().AddTopic("news"), new HubSettings());
            await JoinAsync(Sys, other);
            var subscriber = CreateTestProbe(other);
            other.ActorSelection("/user/hub-topics").Tell(new TopicProtocol.Subscribe("news", subscriber.Ref), subscriber.Ref);
            await subscriber.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);

            await Eventually.TrueAsync(() => Task.FromResult(b.Methods.Directory.TryGetRemote("echo", out _)), "A's method entry reaches B");
            var delivered = await PublishUntilDeliveredAsync(a, subscriber);

            Assert.True(b.Methods.Directory.TryGetRemote("echo", out var target));
            Assert.Equal(Akka.Cluster.Cluster.Get(Sys).SelfAddress, target.Node);
            Assert.Contains("echo", b.Methods.Directory.Names);
            Assert.Equal("news", delivered.Topic);
            Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"method\":\"news\",\"params\":{\"n\":", System.Text.Encoding.UTF8.GetString(delivered.EncodedFrame), StringComparison.Ordinal);
            Assert.Equal(TopicPublisher.Origin(Sys), delivered.Origin);
        }
        finally
        {
            await other.Terminate().WaitAsync(Waits.Max);
        }
    }

    /// <summary>A forms a cluster of its own, B joins it; returns when both see two members Up.</summary>
    private static async Task JoinAsync(ActorSystem a, ActorSystem b)
    {
        var seed = Akka.Cluster.Cluster.Get(a);
        seed.Join(seed.SelfAddress);
        Akka.Cluster.Cluster.Get(b).Join(seed.SelfAddress);
        await Eventually.TrueAsync(
            () => Task.FromResult(new[] { a, b }.All(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2)),
            "both nodes are Up");
    }

    /// <summary>
    /// B's subscription reaches A by DistributedPubSub gossip (about a second), with no signal to await: A publishes
    /// until one arrives, bounded by <see cref="Waits.Max"/>.
    /// </summary>
    private static async Task<TopicProtocol.Deliver> PublishUntilDeliveredAsync(HubRuntime publisher, Akka.TestKit.TestProbe subscriber)
    {
        using var deadline = new CancellationTokenSource(Waits.Max);
        for (var n = 0; ; n++)
        {
            await publisher.NotifyAsync("news", new { n }, cancellationToken: deadline.Token);
            if (await subscriber.ReceiveOneAsync(TimeSpan.FromMilliseconds(100), deadline.Token) is TopicProtocol.Deliver deliver)
            {
                return deliver;
            }
        }
    }
}
