using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.DistributedData;
using Akka.Event;
using Hub.Cluster;
using Hub.Diagnostics;

namespace Hub.Topics;

/// <summary>
/// One per topic per node that has local subscribers. It subscribes to the topic in DistributedPubSub once,
/// however many local connections subscribe, and fans each delivery out to them; so cross-node traffic grows
/// with nodes, not with clients. It leaves the cluster topic when its last local subscriber goes.
/// <para>
/// It alone decides what a subscription receives of the topic: the retained value, then every publication after
/// it, none older. A new subscription joins the fan-out at once but holds what arrives while the retained value is
/// read; then it gets the value (in <see cref="TopicProtocol.Subscribed"/>) and what it held, less what is not newer
/// than the value (a publication from the value's node with a stamp not above the value's: <see cref="TopicPublisher"/>
/// stores before it publishes, so such a publication may still be on its way here when the value is read).
/// </para>
/// </summary>
internal sealed class TopicRouterActor : ReceiveActor, IWithTimers
{
    private const string CatchUpTimer = "catch-up";

    private readonly string _topic;
    private readonly IActorRef _mediator;
    private readonly int _maxHeld;
    private readonly TimeSpan _catchUpDelay;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, Member> _members = [];

    // Per publishing node, the newest publication delivered here.
    private readonly Dictionary<int, long> _lastStamps = [];
    private List<(IActorRef Connection, Member Member)> _awaitingAck = [];
    private ClusterState _state = ClusterState.None;

    public TopicRouterActor(string topic, IActorRef mediator, int maxHeld)
    {
        _topic = topic;
        _mediator = mediator;
        _maxHeld = maxHeld;

        // Other nodes learn of this node's subscription by gossip: a retained publication sent elsewhere before then
        // is not delivered here, and may have been stored after the first reads. Read again once gossip has spread.
        _catchUpDelay = 3 * PubSubBridge.GossipInterval(Context.System);

        Receive<TopicProtocol.Deliver>(OnDeliver);
        Receive<TopicProtocol.Subscribe>(OnSubscribe);
        Receive<SubscribeAck>(_ => OnSubscribeAck());
        Receive<IGetResponse>(OnRetained);
        Receive<TopicProtocol.Unsubscribe>(unsubscribe =>
        {
            if (_members.TryGetValue(unsubscribe.Connection, out var member) && (unsubscribe.Sink is null || member.Given == unsubscribe.Sink))
            {
                Remove(unsubscribe.Connection);
            }
        });
        Receive<Terminated>(terminated => Remove(terminated.ActorRef));
        Receive<CatchUp>(_ =>
        {
            if (_state == ClusterState.Subscribed)
            {
                RetainedValues.Request(Context.System, _topic, Self, CatchUp.Instance);
            }
        });
        Receive<UnsubscribeAck>(_ => { });
    }

    private enum ClusterState
    {
        None,
        Subscribing,
        Subscribed,
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// A router for <paramref name="topic"/>; a subscription may hold <paramref name="maxHeld"/> deliveries while its
    /// retained value is read, past which it is dropped as a slow consumer.
    /// </summary>
    public static Props Props(string topic, IActorRef mediator, int maxHeld = 1000) =>
        Akka.Actor.Props.Create(() => new TopicRouterActor(topic, mediator, maxHeld));

    private void OnDeliver(TopicProtocol.Deliver deliver)
    {
        if (deliver.Stamp != 0)
        {
            // A publication read back by the catch-up may arrive here after all: once is enough.
            if (_lastStamps.TryGetValue(deliver.Origin, out var last) && deliver.Stamp <= last)
            {
                return;
            }

            _lastStamps[deliver.Origin] = deliver.Stamp;
        }

        List<IActorRef>? overflowed = null;
        foreach (var (connection, member) in _members)
        {
            if (!member.Offer(deliver, _maxHeld))
            {
                (overflowed ??= []).Add(connection);
            }
        }

        foreach (var connection in overflowed ?? [])
        {
            _log.Warning("{Topic}: a subscriber held more than {Limit} notifications while joining; dropped", _topic, _maxHeld);
            _members[connection].Sink.Overflow();
            Remove(connection);
        }

        HubMetrics.Delivered(deliver.Topic, _members.Count);
    }

    private void OnSubscribe(TopicProtocol.Subscribe subscribe)
    {
        Context.Watch(subscribe.Connection);

        // A connection's earlier subscription, if any, is replaced; its answer still comes, without a retained value.
        var member = new Member(subscribe.Sink ?? new ActorSink(subscribe.Connection), subscribe.Sink);
        _members[subscribe.Connection] = member;
        switch (_state)
        {
            case ClusterState.Subscribed:
                RequestRetained([(subscribe.Connection, member)]);
                break;
            case ClusterState.Subscribing:
                _awaitingAck.Add((subscribe.Connection, member));
                break;
            default:
                // The mediator takes this actor's messages in order, so a Subscribe sent after an Unsubscribe wins.
                _awaitingAck.Add((subscribe.Connection, member));
                _state = ClusterState.Subscribing;
                PubSubBridge.Join(_mediator, _topic, Self);
                break;
        }
    }

    private void OnSubscribeAck()
    {
        _state = ClusterState.Subscribed;
        Timers.StartSingleTimer(CatchUpTimer, CatchUp.Instance, _catchUpDelay);
        var waiting = _awaitingAck;
        _awaitingAck = [];

        // Read only now: a publication sent from this node before the subscription took effect was stored first.
        RequestRetained(waiting);
        LeaveClusterTopicIfIdle();
    }

    private void RequestRetained(List<(IActorRef Connection, Member Member)> joining)
    {
        if (joining.Count > 0)
        {
            RetainedValues.Request(Context.System, _topic, Self, joining);
        }
    }

    private void OnRetained(IGetResponse response)
    {
        if (response is GetFailure)
        {
            _log.Warning("No majority answered for the retained value of {Topic}; using this node's replica", _topic);
            RetainedValues.Request(Context.System, _topic, Self, response.Request!, local: true);
            return;
        }

        var retained = RetainedValues.Read(response, _topic);
        if (response.Request is CatchUp)
        {
            // Newer than anything delivered here from its node: a publication this node missed while others had not
            // yet heard of its subscription.
            if (retained is { Frame: { } frame } && retained.Stamp > _lastStamps.GetValueOrDefault(retained.Origin))
            {
                OnDeliver(new TopicProtocol.Deliver(_topic, frame, retained.Origin, retained.Stamp));
            }

            return;
        }

        foreach (var (connection, member) in (List<(IActorRef Connection, Member Member)>)response.Request!)
        {
            if (_members.TryGetValue(connection, out var current) && current == member)
            {
                // Told before what the member held goes out: the connection queues the retained value and the reply
                // when it reads this, and only then lets the held deliveries through (Outbound.Subscription).
                connection.Tell(new TopicProtocol.Subscribed(_topic, member.Given, retained?.Frame));
                member.Join(retained);
            }
            else
            {
                connection.Tell(new TopicProtocol.Subscribed(_topic, member.Given, null));
            }
        }

        LeaveClusterTopicIfIdle();
    }

    private void Remove(IActorRef connection)
    {
        if (_members.Remove(connection))
        {
            Context.Unwatch(connection);
        }

        LeaveClusterTopicIfIdle();
    }

    private void LeaveClusterTopicIfIdle()
    {
        if (_state == ClusterState.Subscribed && _members.Count == 0)
        {
            _state = ClusterState.None;
            Timers.Cancel(CatchUpTimer);
            PubSubBridge.Leave(_mediator, _topic, Self);
        }
    }

    /// <summary>One subscription: held deliveries until its retained value is read, then a floor until past it.</summary>
    private sealed class Member(ITopicSink sink, ITopicSink? given)
    {
        private List<TopicProtocol.Deliver>? _held = [];
        private bool _floored;
        private int _floorOrigin;
        private long _floorStamp;

        public ITopicSink Sink { get; } = sink;

        /// <summary>The sink the subscriber gave, which names the subscription in its answers.</summary>
        public ITopicSink? Given { get; } = given;

        /// <summary>Delivers, holds, or drops as older than the retained value; false when too much is held.</summary>
        public bool Offer(TopicProtocol.Deliver deliver, int maxHeld)
        {
            if (_held is not null)
            {
                if (_held.Count >= maxHeld)
                {
                    return false;
                }

                _held.Add(deliver);
                return true;
            }

            if (_floored && deliver.Origin == _floorOrigin)
            {
                if (deliver.Stamp <= _floorStamp)
                {
                    return true;
                }

                // One node's publications arrive in its order: all later ones are newer.
                _floored = false;
            }

            Sink.Deliver(deliver);
            return true;
        }

        /// <summary>The retained value is read (null: there is none): what was held goes out, less what is not newer.</summary>
        public void Join(RetainedValues.Retained? retained)
        {
            if (retained is not null)
            {
                (_floored, _floorOrigin, _floorStamp) = (true, retained.Origin, retained.Stamp);
            }

            var held = _held!;
            _held = null;
            foreach (var deliver in held)
            {
                Offer(deliver, 0);
            }
        }
    }

    private sealed class CatchUp
    {
        public static CatchUp Instance { get; } = new();

        private CatchUp()
        {
        }
    }
}
