using System.Security.Claims;
using Akka.Actor;
using Akka.Event;

namespace Hub.Connections;

/// <summary>
/// Parent of this node's connection actors: creates them, stops (never restarts) one that fails, since a
/// restarted connection would have lost its socket state, and drains them all when the node stops.
/// </summary>
internal sealed class ConnectionsActor : ReceiveActor, IWithTimers
{
    private readonly ConnectionServices _services;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _drainWaiters = [];
    private long _nextId;
    private bool _draining;

    public ConnectionsActor(ConnectionServices services)
    {
        _services = services;
        Receive<Open>(OnOpen);
        Receive<GetCount>(_ => Sender.Tell(Context.GetChildren().Count()));
        Receive<DrainAll>(drain =>
        {
            _draining = true;
            _drainWaiters.Add(Sender);
            foreach (var child in Context.GetChildren())
            {
                child.Tell(ConnectionProtocol.Drain.Instance);
            }

            Timers.StartSingleTimer("go-away", GoAwayAll.Instance, drain.Deadline);
            ReplyIfEmpty();
        });
        Receive<GoAwayAll>(_ =>
        {
            foreach (var child in Context.GetChildren())
            {
                child.Tell(ConnectionProtocol.GoAway.Instance);
            }
        });
        Receive<Terminated>(_ => ReplyIfEmpty());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ConnectionServices services) => Akka.Actor.Props.Create(() => new ConnectionsActor(services));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(ex =>
        {
            _log.Error(ex, "A connection actor failed; closing that connection");
            return Directive.Stop;
        });

    private void OnOpen(Open open)
    {
        if (_draining)
        {
            Sender.Tell(new Status.Failure(new InvalidOperationException("The node is shutting down.")));
            return;
        }

        var id = ++_nextId;
        var connectionId = (open.IsHttp ? "http-" : "ws-") + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var props = open.IsHttp
            ? HttpConnectionActor.Props(connectionId, open.User, open.Transport, _services)
            : WebSocketConnectionActor.Props(connectionId, open.User, open.Transport, _services);
        var child = Context.ActorOf(props, connectionId);
        Context.Watch(child);
        Sender.Tell(new Opened(connectionId, child));
    }

    private void ReplyIfEmpty()
    {
        if (_draining && !Context.GetChildren().Any())
        {
            foreach (var waiter in _drainWaiters)
            {
                waiter.Tell(Drained.Instance);
            }

            _drainWaiters.Clear();
        }
    }

    /// <summary>Creates a connection actor; answered with <see cref="Opened"/>, or a failure while draining.</summary>
    public sealed record Open(IConnectionTransport Transport, ClaimsPrincipal? User, bool IsHttp);

    public sealed record Opened(string ConnectionId, IActorRef Connection);

    /// <summary>Answered with the number of live connection actors (HTTP ones included).</summary>
    public sealed class GetCount
    {
        public static GetCount Instance { get; } = new();

        private GetCount()
        {
        }
    }

    /// <summary>Drains every connection, then answers <see cref="Drained"/>; at the deadline the rest are closed with 1001.</summary>
    public sealed record DrainAll(TimeSpan Deadline);

    public sealed class Drained
    {
        public static Drained Instance { get; } = new();

        private Drained()
        {
        }
    }

    private sealed class GoAwayAll
    {
        public static GoAwayAll Instance { get; } = new();

        private GoAwayAll()
        {
        }
    }
}
