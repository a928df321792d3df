using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Hub.Auth;

namespace Hub.Cluster;

/// <summary>
/// Publishes this node's methods to the cluster and keeps the cluster-wide <see cref="MethodDirectory"/>.
/// Registrations live in Akka.DistributedData (one typed <see cref="NodeMethods"/> per node in a last-writer-wins
/// map, written by the hub's serializer), membership comes
/// from Akka.Cluster; a node counts only while it is Up and reachable. When a node becomes unreachable or is
/// removed, the directory drops it and then <see cref="NodeLost"/> goes to the event stream, so connections fail
/// their calls to it with -32003.
/// </summary>
internal sealed class MethodRegistryActor : ReceiveActor
{
    // A new key name with the typed value: nodes of an older build, which wrote text under "hub-methods", neither
    // read nor overwrite it.
    public static readonly LWWDictionaryKey<string, NodeMethods> Key = new("hub-method-directory");

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly MethodDirectoryHolder _directory;
    private readonly string[] _localNames;
    private readonly HashSet<Address> _up = [];
    private readonly HashSet<Address> _unreachable = [];
    private IReadOnlyDictionary<string, NodeMethods> _entries = new Dictionary<string, NodeMethods>();

    public MethodRegistryActor(MethodDirectoryHolder directory, IReadOnlyDictionary<string, (TimeSpan? Timeout, AccessRule Access, bool Sequential)> localMethods)
    {
        _directory = directory;
        _localNames = [.. localMethods.Keys];

        var entry = new NodeMethods([.. localMethods
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => new RegisteredMethod(m.Key, m.Value.Timeout, m.Value.Access.RequiresLogin, [.. m.Value.Access.Permissions], m.Value.Access.HasTests, m.Value.Sequential))]);
        _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, NodeMethods>.Empty, WriteLocal.Instance, map => map.SetItem(_cluster, NodeKey(_cluster.SelfAddress), entry)));
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

    /// <summary>Publishes <paramref name="localMethods"/> and keeps <paramref name="directory"/> current.</summary>
    public static Props Props(MethodDirectoryHolder directory, IReadOnlyDictionary<string, (TimeSpan? Timeout, AccessRule Access, bool Sequential)> localMethods) =>
        Akka.Actor.Props.Create(() => new MethodRegistryActor(directory, localMethods));

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

        // The directory first, the announcement after: a connection subscribes to NodeLost before it reads the
        // directory, so it either routes around the node or hears of its loss; never neither.
        Publish();
        Context.System.EventStream.Publish(new NodeLost(node));
    }

    private void Publish()
    {
        var self = _cluster.SelfAddress;
        var remote = new Dictionary<string, List<MethodDirectory.Target>>(StringComparer.Ordinal);
        foreach (var node in _up.Where(n => n != self && !_unreachable.Contains(n)))
        {
            if (!_entries.TryGetValue(NodeKey(node), out var entry))
            {
                continue;
            }

            foreach (var method in entry.Methods)
            {
                var actor = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(
                    new RootActorPath(node) / "user" / MethodDirectory.ActorName(method.Name));
                if (!remote.TryGetValue(method.Name, out var targets))
                {
                    remote[method.Name] = targets = [];
                }

                targets.Add(new MethodDirectory.Target(node, actor, method.Timeout, AccessRule.Declared(method.RequiresLogin, method.Permissions, method.HasTests), method.Sequential));
            }
        }

        _directory.Current = new MethodDirectory(
            remote.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal),
            _localNames.Concat(remote.Keys));
    }

    /// <summary>A node left or cannot be reached: calls in flight to it will not be answered.</summary>
    public sealed record NodeLost(Address Node);
}
