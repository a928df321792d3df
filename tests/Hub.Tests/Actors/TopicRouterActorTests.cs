using System.Text;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Hub.Cluster;
using Hub.Tests.Support;
using Hub.Topics;

namespace Hub.Tests.Actors;

public sealed class TopicRouterActorTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private static readonly byte[] Frame = "{\"jsonrpc\":\"2.0\",\"method\":\"prices\",\"params\":{\"p\":1}}"u8.ToArray();

    private long _stamp;

    private IActorRef Mediator => DistributedPubSub.Get(Sys).Mediator;

    /// <summary>This node as a publisher (<see cref="TopicProtocol.Deliver.Origin"/>).</summary>
    private int Origin => Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress.Uid;

    [Fact]
    public async Task Subscribe_answers_Subscribed_for_the_topic()
    {
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        var connection = CreateTestProbe();

        router.Tell(new TopicProtocol.Subscribe("prices", connection.Ref), connection.Ref);

        var subscribed = await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);
        Assert.Equal("prices", subscribed.Topic);
        Assert.Null(subscribed.Retained);
    }

    [Fact]
    public async Task Published_deliveries_reach_a_subscriber_exactly_once_each_in_order()
    {
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        var connection = await SubscribeAsync(router);
        var second = "{\"jsonrpc\":\"2.0\",\"method\":\"prices\",\"params\":{\"p\":2}}"u8.ToArray();

        Publish(Frame);
        Publish(second);

        Assert.Same(Frame, (await connection.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max)).EncodedFrame);
        Assert.Same(second, (await connection.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max)).EncodedFrame);
        await connection.ExpectNoMsgAsync(Waits.Quiet);
    }

    [Fact]
    public async Task Delivery_reaches_every_subscriber_with_the_same_bytes()
    {
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        var first = await SubscribeAsync(router);
        var second = await SubscribeAsync(router);

        Publish(Frame);

        Assert.Same(Frame, (await first.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max)).EncodedFrame);
        Assert.Same(Frame, (await second.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max)).EncodedFrame);
        await first.ExpectNoMsgAsync(Waits.Quiet);
        await second.ExpectNoMsgAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task Delivery_for_another_topic_does_not_reach_the_subscriber()
    {
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        var connection = await SubscribeAsync(router);

        Mediator.Tell(new Publish(PubSubBridge.ClusterTopic("news"), new TopicProtocol.Deliver("news", Frame)));

        await connection.ExpectNoMsgAsync(Waits.Quiet);
    }

    [Fact]
    public async Task Unsubscribed_connection_gets_no_delivery_while_others_still_do()
    {
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        var leaving = await SubscribeAsync(router);
        var staying = await SubscribeAsync(router);

        // Told straight to the router, so it is queued there before the publish has gone through the mediator.
        router.Tell(new TopicProtocol.Unsubscribe("prices", leaving.Ref));
        Publish(Frame);

        await staying.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max);
        await leaving.ExpectNoMsgAsync(Waits.Quiet);
    }

    [Fact]
    public async Task Second_local_subscriber_does_not_subscribe_the_node_again()
    {
        var mediator = CreateTestProbe();
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", mediator.Ref));
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        router.Tell(new TopicProtocol.Subscribe("prices", first.Ref));
        var subscribe = await mediator.ExpectMsgAsync<Subscribe>(Waits.Max);
        mediator.Reply(new SubscribeAck(subscribe));
        await first.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);
        router.Tell(new TopicProtocol.Subscribe("prices", second.Ref));
        await second.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);

        Assert.Equal(PubSubBridge.ClusterTopic("prices"), subscribe.Topic);
        Assert.Equal(router, subscribe.Ref);
        await mediator.ExpectNoMsgAsync(Waits.Quiet);
    }

    [Fact]
    public async Task Last_subscriber_unsubscribing_leaves_the_cluster_topic()
    {
        var mediator = CreateTestProbe();
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", mediator.Ref));
        var connection = await SubscribeThroughAsync(router, mediator);

        router.Tell(new TopicProtocol.Unsubscribe("prices", connection.Ref));

        var unsubscribe = await mediator.ExpectMsgAsync<Unsubscribe>(Waits.Max);
        Assert.Equal(PubSubBridge.ClusterTopic("prices"), unsubscribe.Topic);
        Assert.Equal(router, unsubscribe.Ref);
    }

    [Fact]
    public async Task Last_subscriber_terminating_leaves_the_cluster_topic()
    {
        var mediator = CreateTestProbe();
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", mediator.Ref));
        var connection = await SubscribeThroughAsync(router, mediator);

        Sys.Stop(connection.Ref);

        var unsubscribe = await mediator.ExpectMsgAsync<Unsubscribe>(Waits.Max);
        Assert.Equal(PubSubBridge.ClusterTopic("prices"), unsubscribe.Topic);
    }

    [Fact]
    public async Task One_subscriber_terminating_keeps_the_others_subscribed()
    {
        var mediator = CreateTestProbe();
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", mediator.Ref));
        var leaving = await SubscribeThroughAsync(router, mediator);
        var staying = CreateTestProbe();
        router.Tell(new TopicProtocol.Subscribe("prices", staying.Ref));
        await staying.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);

        Sys.Stop(leaving.Ref);
        router.Tell(new TopicProtocol.Deliver("prices", Frame));

        await staying.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max);
        await mediator.ExpectNoMsgAsync(Waits.Quiet);
    }

    [Fact]
    public async Task Publication_arriving_while_the_retained_value_is_read_reaches_the_new_subscriber()
    {
        await StoreAsync("prices", Frame);
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        await SubscribeAsync(router);
        var later = CreateTestProbe();
        var newer = "{\"jsonrpc\":\"2.0\",\"method\":\"prices\",\"params\":{\"p\":2}}"u8.ToArray();

        // Sent by its publisher while the retained value is read; its own store has not reached the replica yet.
        router.Tell(new TopicProtocol.Subscribe("prices", later.Ref));
        router.Tell(new TopicProtocol.Deliver("prices", newer, Origin, NextStamp()));

        Assert.Equal(Frame, (await later.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max)).Retained);
        Assert.Same(newer, (await later.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max)).EncodedFrame);
    }

    [Fact]
    public async Task Publication_not_newer_than_the_retained_value_does_not_reach_the_new_subscriber()
    {
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        await SubscribeAsync(router);
        var stamp = NextStamp();
        await RetainedValues.StoreAsync(Sys, "prices", Frame, stamp, Waits.Max);
        var later = CreateTestProbe();

        // The retained publication itself, still on its way when the value was read, then one after it.
        router.Tell(new TopicProtocol.Subscribe("prices", later.Ref));
        router.Tell(new TopicProtocol.Deliver("prices", Frame, Origin, stamp));
        var after = new TopicProtocol.Deliver("prices", "{\"jsonrpc\":\"2.0\",\"method\":\"prices\",\"params\":[3]}"u8.ToArray(), Origin, NextStamp());
        router.Tell(after);

        Assert.Equal(Frame, (await later.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max)).Retained);
        Assert.Same(after.EncodedFrame, (await later.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max)).EncodedFrame);
        await later.ExpectNoMsgAsync(Waits.Quiet);
    }

    [Fact]
    public async Task Retained_publication_missed_while_joining_the_cluster_topic_is_delivered_by_the_catch_up_read()
    {
        var mediator = CreateTestProbe();
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", mediator.Ref));
        var connection = await SubscribeThroughAsync(router, mediator);

        // Stored and sent on another node that had not yet heard of this node's subscription: never delivered here.
        await StoreAsync("prices", Frame);

        var caughtUp = await connection.ExpectMsgAsync<TopicProtocol.Deliver>(TimeSpan.FromSeconds(10));
        Assert.Equal(Frame, caughtUp.EncodedFrame);
        await connection.ExpectNoMsgAsync(Waits.Quiet);
    }

    [Fact]
    public async Task Retained_publication_delivered_live_is_not_delivered_again_by_the_catch_up_read()
    {
        var mediator = CreateTestProbe();
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", mediator.Ref));
        var connection = await SubscribeThroughAsync(router, mediator);
        var stamp = NextStamp();
        await RetainedValues.StoreAsync(Sys, "prices", Frame, stamp, Waits.Max);

        router.Tell(new TopicProtocol.Deliver("prices", Frame, Origin, stamp));

        await connection.ExpectMsgAsync<TopicProtocol.Deliver>(Waits.Max);
        await connection.ExpectNoMsgAsync(TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Resubscribing_connection_is_answered_for_both_subscriptions_and_only_the_new_one_gets_deliveries()
    {
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        var connection = CreateTestProbe();
        var first = new RecordingSink();
        var second = new RecordingSink();

        router.Tell(new TopicProtocol.Subscribe("prices", connection.Ref, first));
        router.Tell(new TopicProtocol.Subscribe("prices", connection.Ref, second));
        router.Tell(new TopicProtocol.Unsubscribe("prices", connection.Ref, first));
        router.Tell(new TopicProtocol.Deliver("prices", Frame, Origin, NextStamp()));

        var answers = new[] { await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max), await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max) };
        Assert.Equal([first, second], answers.Select(a => a.Sink));
        await second.Received.Task.WaitAsync(Waits.Max);
        Assert.Empty(first.Frames);
    }

    [Fact]
    public async Task Retained_value_comes_with_Subscribed()
    {
        await StoreAsync("prices", Frame);
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        var connection = CreateTestProbe();

        router.Tell(new TopicProtocol.Subscribe("prices", connection.Ref));

        var subscribed = await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);
        Assert.Equal(Encoding.UTF8.GetString(Frame), Encoding.UTF8.GetString(subscribed.Retained!));
    }

    [Fact]
    public async Task Retained_value_is_read_for_each_subscriber_after_the_first()
    {
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        await SubscribeAsync(router);
        await StoreAsync("prices", Frame);
        var later = CreateTestProbe();

        router.Tell(new TopicProtocol.Subscribe("prices", later.Ref));

        var subscribed = await later.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);
        Assert.Equal(Encoding.UTF8.GetString(Frame), Encoding.UTF8.GetString(subscribed.Retained!));
    }

    [Fact]
    public async Task Cleared_retained_value_gives_Subscribed_without_one()
    {
        await StoreAsync("prices", Frame);
        await StoreAsync("prices", null);
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        var connection = CreateTestProbe();

        router.Tell(new TopicProtocol.Subscribe("prices", connection.Ref));

        var subscribed = await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);
        Assert.Null(subscribed.Retained);
    }

    [Fact]
    public async Task Retained_value_of_another_topic_is_not_given()
    {
        await StoreAsync("news", Frame);
        var router = Sys.ActorOf(TopicRouterActor.Props("prices", Mediator));
        var connection = CreateTestProbe();

        router.Tell(new TopicProtocol.Subscribe("prices", connection.Ref));

        Assert.Null((await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max)).Retained);
    }

    private void Publish(byte[] frame) =>
        Mediator.Tell(new Publish(PubSubBridge.ClusterTopic("prices"), new TopicProtocol.Deliver("prices", frame)));

    /// <summary>Subscribes a new probe through the real mediator; the subscription is effective once Subscribed arrived.</summary>
    private async Task<Akka.TestKit.TestProbe> SubscribeAsync(IActorRef router)
    {
        var connection = CreateTestProbe();
        router.Tell(new TopicProtocol.Subscribe("prices", connection.Ref));
        await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);
        return connection;
    }

    /// <summary>Subscribes a new probe with <paramref name="mediator"/> standing in for DistributedPubSub.</summary>
    private async Task<Akka.TestKit.TestProbe> SubscribeThroughAsync(IActorRef router, Akka.TestKit.TestProbe mediator)
    {
        var connection = CreateTestProbe();
        router.Tell(new TopicProtocol.Subscribe("prices", connection.Ref));
        var subscribe = await mediator.ExpectMsgAsync<Subscribe>(Waits.Max);
        mediator.Reply(new SubscribeAck(subscribe));
        await connection.ExpectMsgAsync<TopicProtocol.Subscribed>(Waits.Max);
        return connection;
    }

    /// <summary>A stamp later than any before it in this test, as a publisher's.</summary>
    private long NextStamp() => ++_stamp;

    private Task StoreAsync(string topic, byte[]? frame) => RetainedValues.StoreAsync(Sys, topic, frame, NextStamp(), Waits.Max);

    /// <summary>A subscription's sink that records what the router hands it.</summary>
    private sealed class RecordingSink : ITopicSink
    {
        public System.Collections.Concurrent.ConcurrentQueue<byte[]> Frames { get; } = new();

        public TaskCompletionSource Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Deliver(TopicProtocol.Deliver deliver)
        {
            Frames.Enqueue(deliver.EncodedFrame);
            Received.TrySetResult();
        }

        public void Overflow()
        {
        }
    }
}
