using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Hub.Cluster;

/// <summary>
/// Where a node's topics meet Akka's DistributedPubSub: the mediator, the cluster topic behind a Hub topic, and a
/// router's joining and leaving it. The mediator answers a router with <see cref="SubscribeAck"/> and
/// <see cref="UnsubscribeAck"/>. Publishing is <see cref="TopicPublisher"/>'s.
/// </summary>
internal static class PubSubBridge
{
    /// <summary>This node's DistributedPubSub mediator.</summary>
    public static IActorRef Mediator(ActorSystem system) => DistributedPubSub.Get(system).Mediator;

    /// <summary>The DistributedPubSub topic behind a Hub topic.</summary>
    public static string ClusterTopic(string topic) => "hub:" + topic;

    /// <summary>
    /// How often the mediators gossip their subscriptions: the window in which a node's new subscription is not yet
    /// known to the others (<c>akka.cluster.pub-sub.gossip-interval</c>).
    /// </summary>
    public static TimeSpan GossipInterval(ActorSystem system) =>
        system.Settings.Config.GetTimeSpan("akka.cluster.pub-sub.gossip-interval", TimeSpan.FromSeconds(1));

    /// <summary>Subscribes <paramref name="router"/> to <paramref name="topic"/> in the cluster; the ack goes to it.</summary>
    public static void Join(IActorRef mediator, string topic, IActorRef router) =>
        mediator.Tell(new Subscribe(ClusterTopic(topic), router), router);

    /// <summary>Unsubscribes <paramref name="router"/> from <paramref name="topic"/> in the cluster; the ack goes to it.</summary>
    public static void Leave(IActorRef mediator, string topic, IActorRef router) =>
        mediator.Tell(new Unsubscribe(ClusterTopic(topic), router), router);
}
