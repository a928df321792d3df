using Akka.Actor;

namespace Hub.Topics;

/// <summary>Parent of this node's topic routers: creates each on its first subscriber and routes to it.</summary>
internal sealed class TopicManagerActor : ReceiveActor
{
    private readonly IActorRef _mediator;
    private readonly int _maxHeld;

    public TopicManagerActor(IActorRef mediator, int maxHeld)
    {
        _mediator = mediator;
        _maxHeld = maxHeld;
        Receive<TopicProtocol.Subscribe>(subscribe => Router(subscribe.Topic).Forward(subscribe));
        Receive<TopicProtocol.Unsubscribe>(unsubscribe => Context.Child(ChildName(unsubscribe.Topic)).Forward(unsubscribe));
    }

    /// <summary>The manager; each router may hold <paramref name="maxHeld"/> deliveries for a joining subscription.</summary>
    public static Props Props(IActorRef mediator, int maxHeld = 1000) => Akka.Actor.Props.Create(() => new TopicManagerActor(mediator, maxHeld));

    /// <summary>Topic names may hold any character; actor names may not, so the name is escaped.</summary>
    public static string ChildName(string topic) => "topic-" + Uri.EscapeDataString(topic);

    private IActorRef Router(string topic)
    {
        var name = ChildName(topic);
        var child = Context.Child(name);
        return child.IsNobody() ? Context.ActorOf(TopicRouterActor.Props(topic, _mediator, _maxHeld), name) : child;
    }
}
