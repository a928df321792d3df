using Akka.Actor;
using Hub.Cluster;

namespace Hub.Topics;

/// <summary>Messages of the topic routers: local subscriptions and deliveries.</summary>
internal static class TopicProtocol
{
    /// <summary>
    /// Adds one subscription of <paramref name="Connection"/> to <paramref name="Topic"/>: deliveries go through
    /// <paramref name="Sink"/>, or as <see cref="Deliver"/> messages to the connection when there is none. A
    /// connection holds one subscription per topic at the router: a new one replaces the one before it.
    /// </summary>
    public sealed record Subscribe(string Topic, IActorRef Connection, ITopicSink? Sink = null);

    /// <summary>
    /// The answer to <see cref="Subscribe"/>, for the subscription made with <see cref="Sink"/>: it is effective on
    /// this node. <see cref="Retained"/> is the topic's retained notification, encoded, to be sent before the
    /// subscribe reply; null when there is none, or when the subscription was replaced or ended meanwhile. Every
    /// delivery through the sink after this answer is newer than the retained value.
    /// </summary>
    public sealed record Subscribed(string Topic, ITopicSink? Sink, byte[]? Retained);

    /// <summary>
    /// Ends the subscription of <paramref name="Connection"/> to <paramref name="Topic"/> made with
    /// <paramref name="Sink"/>; one made since with another sink stays.
    /// </summary>
    public sealed record Unsubscribe(string Topic, IActorRef Connection, ITopicSink? Sink = null);

    /// <summary>
    /// A notification for every subscriber of <see cref="Topic"/>: <see cref="EncodedFrame"/> is the whole
    /// JSON-RPC notification, encoded once by the publisher and shared by all; nobody writes to it.
    /// <see cref="Origin"/> (the publishing node's incarnation, its cluster uid) and <see cref="Stamp"/> place it in
    /// its node's order of publications to the topic: stamps grow with every publication of one origin and topic,
    /// so a router can tell a publication older than a retained value it handed out (<see cref="TopicPublisher"/>).
    /// </summary>
    public sealed record Deliver(string Topic, byte[] EncodedFrame, int Origin = 0, long Stamp = 0) : IClusterMessage;

    /// <summary>Told to a subscriber without a sink of its own when the router dropped it for reading too slowly.</summary>
    public sealed class Overflowed
    {
        public static Overflowed Instance { get; } = new();

        private Overflowed()
        {
        }
    }
}
