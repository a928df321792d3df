using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Hub.Auth;

namespace Hub.Methods;

/// <summary>
/// Publishes this node's methods to the cluster and keeps the cluster-wide <see cref="MethodDirectory"/>.
/// Registrations live in Akka.DistributedData (one entry per node in a last-writer-wins map), membership comes
/// from Akka.Cluster; a node counts only while it is Up and reachable. When a node becomes unreachable or is
/// removed, <see cref="NodeLost"/> goes to the event stream, so connections fail their calls to it with -32003.
/// </summary>
internal sealed class MethodRegistryActor : ReceiveActor
{
    public static readonly LWWDictionaryKey<string, string> Key = new("hub-methods");

    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HubRuntime _runtime;
    private readonly HashSet<Address> _up = [];
    private readonly HashSet<Address> _unreachable = [];
    private IReadOnlyDictionary<string, string> _entries = new Dictionary<string, string>();

    public MethodRegistryActor(HubRuntime runtime, IReadOnlyDictionary<string, (TimeSpan? Timeout, AccessRule Access, bool Sequential)> localMethods)
    {
        _runtime = runtime;

        // One line per method: name, timeout in ms (empty for the default), the declared access rule, and "s" when
        // one connection's calls run one at a time.
        var entry = string.Join('\n', localMethods.Select(m => m.Key
            + "\t" + (m.Value.Timeout is { } t ? ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : string.Empty)
            + "\t" + m.Value.Access.Summary()
            + "\t" + (m.Value.Sequential ? "s" : string.Empty)));
        _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, string>.Empty, WriteLocal.Instance, map => map.SetItem(_cluster, NodeKey(_cluster.SelfAddress), entry)));
        _replicator.Tell(Dsl.Subscribe(Key, Self));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

        Receive<Changed>(changed =>
        {
            _entries = changed.Get(Key).Entries;
            Publish();
        });
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            _up.Clear();
            _up.UnionWith(state.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address));
            _unreachable.Clear();
            _unreachable.UnionWith(state.Unreachable.Select(m => m.Address));
            Publish();
        });
        Receive<ClusterEvent.MemberUp>(up =>
        {
            _up.Add(up.Member.Address);
            Publish();
        });
        Receive<ClusterEvent.MemberRemoved>(removed => Lost(removed.Member.Address, "removed"));
        Receive<ClusterEvent.MemberExited>(exited => Lost(exited.Member.Address, "exited"));
        Receive<ClusterEvent.UnreachableMember>(unreachable =>
        {
            _unreachable.Add(unreachable.Member.Address);
            Lost(unreachable.Member.Address, "unreachable");
        });
        Receive<ClusterEvent.ReachableMember>(reachable =>
        {
            _unreachable.Remove(reachable.Member.Address);
            Publish();
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(failure => _log.Error("Publishing this node's methods failed: {Reason}", failure));
    }

    public static Props Props(HubRuntime runtime, IReadOnlyDictionary<string, (TimeSpan? Timeout, AccessRule Access, bool Sequential)> localMethods) =>
        Akka.Actor.Props.Create(() => new MethodRegistryActor(runtime, localMethods));

    /// <summary>The directory entry of a node: its address as text.</summary>
    public static string NodeKey(Address address) => address.ToString();

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Lost(Address node, string why)
    {
        if (node == _cluster.SelfAddress)
        {
            return;
        }

        if (why != "unreachable")
        {
            _up.Remove(node);
        }

        _log.Info("Node {Node} is {Why}: calls in flight to it get -32003", node, why);
        Context.System.EventStream.Publish(new NodeLost(node));
        Publish();
    }

    private void Publish()
    {
        var self = _cluster.SelfAddress;
        var remote = new Dictionary<string, List<MethodDirectory.Target>>(StringComparer.Ordinal);
        foreach (var node in _up.Where(n => n != self && !_unreachable.Contains(n)))
        {
            if (!_entries.TryGetValue(NodeKey(node), out var entry) || entry.Length == 0)
            {
                continue;
            }

            foreach (var line in entry.Split('\n'))
            {
                var parts = line.Split('\t');
                var name = parts[0];
                TimeSpan? timeout = parts.Length > 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? TimeSpan.FromMilliseconds(ms) : null;
                var actor = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(
                    new RootActorPath(node) / "user" / HubRuntime.MethodActorName(name));
                if (!remote.TryGetValue(name, out var targets))
                {
                    remote[name] = targets = [];
                }

                targets.Add(new MethodDirectory.Target(node, actor, timeout, AccessRule.FromSummary(parts.Length > 2 ? parts[2] : string.Empty), parts.Length > 3 && parts[3] == "s"));
            }
        }

        _runtime.Directory = new MethodDirectory(
            remote.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal),
            _runtime.LocalMethodNames.Concat(remote.Keys));
    }

    /// <summary>A node left or cannot be reached: calls in flight to it will not be answered.</summary>
    public sealed record NodeLost(Address Node);
}
