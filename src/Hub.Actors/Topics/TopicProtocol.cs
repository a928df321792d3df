using Akka.Actor;
using Hub.Serialization;

namespace Hub.Topics;

/// <summary>Messages of the topic routers: local subscriptions and deliveries.</summary>
internal static class TopicProtocol
{
    /// <summary>
    /// Adds <paramref name="Connection"/> as a local subscriber of <paramref name="Topic"/>; deliveries go through
    /// <paramref name="Sink"/>, or as <see cref="Deliver"/> messages to the connection when there is none.
    /// </summary>
    public sealed record Subscribe(string Topic, IActorRef Connection, ITopicSink? Sink = null);

    /// <summary>
    /// The subscription is effective on this node. <see cref="Retained"/> is the topic's retained notification,
    /// encoded, to be sent before the subscribe reply; null when there is none.
    /// </summary>
    public sealed record Subscribed(string Topic, byte[]? Retained);

    /// <summary>Removes <paramref name="Connection"/> from the subscribers of <paramref name="Topic"/>.</summary>
    public sealed record Unsubscribe(string Topic, IActorRef Connection);

    /// <summary>
    /// A notification for every subscriber of <see cref="Topic"/>: <see cref="EncodedFrame"/> is the whole
    /// JSON-RPC notification, encoded once by the publisher and shared by all; nobody writes to it.
    /// </summary>
    public sealed record Deliver(string Topic, byte[] EncodedFrame) : IClusterMessage;
}
