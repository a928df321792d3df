using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.DistributedData;
using Akka.Event;
using Hub.Diagnostics;

namespace Hub.Topics;

/// <summary>
/// One per topic per node that has local subscribers. It subscribes to the topic in DistributedPubSub once,
/// however many local connections subscribe, and fans each delivery out to them; so cross-node traffic grows
/// with nodes, not with clients. It leaves the cluster topic when its last local subscriber goes.
/// </summary>
internal sealed class TopicRouterActor : ReceiveActor
{
    private readonly string _topic;
    private readonly IActorRef _mediator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, ITopicSink> _subscribers = [];
    private readonly Dictionary<IActorRef, ITopicSink> _joining = [];
    private List<IActorRef> _awaitingAck = [];
    private ClusterState _state = ClusterState.None;

    public TopicRouterActor(string topic, IActorRef mediator)
    {
        _topic = topic;
        _mediator = mediator;

        Receive<TopicProtocol.Subscribe>(OnSubscribe);
        Receive<SubscribeAck>(_ => OnSubscribeAck());
        Receive<IGetResponse>(OnRetained);
        Receive<TopicProtocol.Deliver>(deliver =>
        {
            foreach (var sink in _subscribers.Values)
            {
                sink.Deliver(deliver);
            }

            HubMetrics.Delivered(deliver.Topic, _subscribers.Count);
        });
        Receive<TopicProtocol.Unsubscribe>(unsubscribe => Remove(unsubscribe.Connection));
        Receive<Terminated>(terminated => Remove(terminated.ActorRef));
        Receive<UnsubscribeAck>(_ => { });
    }

    private enum ClusterState
    {
        None,
        Subscribing,
        Subscribed,
    }

    /// <summary>The DistributedPubSub topic behind a Hub topic.</summary>
    public static string ClusterTopic(string topic) => "hub:" + topic;

    public static Props Props(string topic, IActorRef mediator) => Akka.Actor.Props.Create(() => new TopicRouterActor(topic, mediator));

    private void OnSubscribe(TopicProtocol.Subscribe subscribe)
    {
        Context.Watch(subscribe.Connection);
        _joining[subscribe.Connection] = subscribe.Sink ?? new ActorSink(subscribe.Connection);
        switch (_state)
        {
            case ClusterState.Subscribed:
                RequestRetained([subscribe.Connection]);
                break;
            case ClusterState.Subscribing:
                _awaitingAck.Add(subscribe.Connection);
                break;
            default:
                // The mediator takes this actor's messages in order, so a Subscribe sent after an Unsubscribe wins.
                _awaitingAck.Add(subscribe.Connection);
                _state = ClusterState.Subscribing;
                _mediator.Tell(new Akka.Cluster.Tools.PublishSubscribe.Subscribe(ClusterTopic(_topic), Self));
                break;
        }
    }

    private void OnSubscribeAck()
    {
        _state = ClusterState.Subscribed;
        var waiting = _awaitingAck.Where(_joining.ContainsKey).ToList();
        _awaitingAck = [];
        if (waiting.Count > 0)
        {
            RequestRetained(waiting);
        }
        else
        {
            LeaveClusterTopicIfIdle();
        }
    }

    private void RequestRetained(List<IActorRef> connections) =>
        RetainedValues.Request(Context.System, _topic, Self, connections);

    private void OnRetained(IGetResponse response)
    {
        if (response is GetFailure)
        {
            _log.Warning("No majority answered for the retained value of {Topic}; using this node's replica", _topic);
            RetainedValues.Request(Context.System, _topic, Self, response.Request!, local: true);
            return;
        }

        // A connection joins the fan-out only now, so it never gets a live notification ahead of the retained one.
        var retained = RetainedValues.Read(response, _topic);
        foreach (var connection in (List<IActorRef>)response.Request!)
        {
            if (_joining.Remove(connection, out var sink))
            {
                _subscribers[connection] = sink;
                connection.Tell(new TopicProtocol.Subscribed(_topic, retained));
            }
        }

        LeaveClusterTopicIfIdle();
    }

    private void Remove(IActorRef connection)
    {
        _subscribers.Remove(connection);
        _joining.Remove(connection);
        Context.Unwatch(connection);
        LeaveClusterTopicIfIdle();
    }

    private void LeaveClusterTopicIfIdle()
    {
        if (_state == ClusterState.Subscribed && _subscribers.Count == 0 && _joining.Count == 0)
        {
            _state = ClusterState.None;
            _mediator.Tell(new Akka.Cluster.Tools.PublishSubscribe.Unsubscribe(ClusterTopic(_topic), Self));
        }
    }
}
