using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Hub.Cluster;
using Hub.Tests.Support;
using Hub.Topics;

namespace Hub.Tests.Actors;

/// <summary>The node's topic manager: one router per topic, whatever characters its name holds.</summary>
public sealed class TopicManagerActorTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private IActorRef Mediator => DistributedPubSub.Get(Sys).Mediator;

    [Theory]
    [InlineData("prices")]
    [InlineData("prices/eu west?x=1#a")]
    [InlineData("%41 $user ünïcødé €")]
    public async Task Subscribe_to_a_topic_of_any_name_is_answered_and_delivered(string topic)
    {
        var manager = Sys.ActorOf(TopicManagerActor.Props(Mediator));
        var connection = CreateTestProbe();

        manager.Tell(new TopicProtocol.Subscribe(topic, connection.Ref));
        Assert.Equal(topic, (await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max)).Topic);
        Mediator.Tell(new Publish(PubSubBridge.ClusterTopic(topic), new TopicProtocol.Deliver(topic, "{}"u8.ToArray())));

        Assert.Equal(topic, (await connection.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max)).Topic);
    }

    [Fact]
    public async Task Topic_of_the_longest_name_is_served()
    {
        var topic = new string('€', 256);
        var manager = Sys.ActorOf(TopicManagerActor.Props(Mediator));
        var connection = CreateTestProbe();

        manager.Tell(new TopicProtocol.Subscribe(topic, connection.Ref));

        Assert.Equal(topic, (await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max)).Topic);
    }

    [Fact]
    public async Task Topics_differing_only_in_escaping_get_routers_of_their_own()
    {
        var manager = Sys.ActorOf(TopicManagerActor.Props(Mediator));
        var plain = CreateTestProbe();
        var escaped = CreateTestProbe();
        manager.Tell(new TopicProtocol.Subscribe("a b", plain.Ref));
        manager.Tell(new TopicProtocol.Subscribe("a%20b", escaped.Ref));
        await plain.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);
        await escaped.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);

        Mediator.Tell(new Publish(PubSubBridge.ClusterTopic("a b"), new TopicProtocol.Deliver("a b", "{}"u8.ToArray())));

        await plain.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max);
        await escaped.ExpectNoMsgAsync(Waits.Quiet);
    }
}
