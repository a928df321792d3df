using Akka.Actor;

namespace Hub.Topics;

/// <summary>
/// Where a topic router hands a notification for one local subscription. A connection's subscription writes it
/// straight into the connection's outbound queue, without a hop through the connection's mailbox; any other actor
/// gets a <see cref="TopicProtocol.Deliver"/> message (<see cref="ActorSink"/>). Called on the router's thread.
/// </summary>
internal interface ITopicSink
{
    void Deliver(TopicProtocol.Deliver deliver);

    /// <summary>The router holds more deliveries for this subscription than it may (it reads too slowly); it has dropped it.</summary>
    void Overflow();
}

/// <summary>Delivers by telling the subscriber <see cref="TopicProtocol.Deliver"/>.</summary>
internal sealed class ActorSink(IActorRef subscriber) : ITopicSink
{
    public void Deliver(TopicProtocol.Deliver deliver) => subscriber.Tell(deliver);

    public void Overflow() => subscriber.Tell(TopicProtocol.Overflowed.Instance);
}
