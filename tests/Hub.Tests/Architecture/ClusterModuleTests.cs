using System.Reflection;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.DistributedData;
using Akka.Remote;
using Hub.Cluster;
using Hub.Cluster.Serialization;

namespace Hub.Tests.Architecture;

/// <summary>
/// The cluster module's boundary (STYLE.md: <c>Cluster/</c> owns everything that crosses nodes): Akka's cluster
/// machinery is used in <c>Hub.Cluster</c> and, by name, in the few places listed here; and the module knows the
/// connections and topics only by the messages it carries between nodes.
/// </summary>
public sealed class ClusterModuleTests
{
    private static readonly Assembly Engine = typeof(HubBuilder).Assembly;

    private static readonly Assembly[] ClusterAssemblies =
    [
        typeof(Akka.Cluster.Cluster).Assembly,
        typeof(DistributedPubSub).Assembly,
        typeof(DistributedData).Assembly,
        typeof(RemoteActorRefProvider).Assembly,
    ];

    /// <summary>
    /// Who outside <c>Hub.Cluster</c> may use which of those types. The topic router receives the answers to what it
    /// asks through <see cref="PubSubBridge"/> and <see cref="RetainedValues"/>; the metrics observe the membership.
    /// </summary>
    private static readonly Dictionary<string, Type[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Hub.Topics.TopicRouterActor"] =
            [typeof(SubscribeAck), typeof(UnsubscribeAck), typeof(IGetResponse), typeof(GetFailure)],
        ["Hub.Diagnostics.HubMetrics"] =
            [typeof(Akka.Cluster.Cluster), typeof(Akka.Cluster.ClusterEvent.CurrentClusterState), typeof(Akka.Cluster.Member), typeof(Akka.Cluster.MemberStatus)],
    };

    [Fact]
    public void Cluster_machinery_outside_the_cluster_module_is_only_what_is_listed()
    {
        var outside = Engine.GetTypes().Where(t => !InModule(t)).ToList();

        var offenders = outside
            .SelectMany(t => TypeDependencies.UsedBy(t).Where(IsClusterMachinery).Select(used => (Owner: TypeDependencies.Owner(t), Used: used)))
            .Where(pair => !(Allowed.TryGetValue(pair.Owner.FullName!, out var allowed) && allowed.Contains(pair.Used)))
            .Select(pair => $"{pair.Owner.FullName} uses {pair.Used.FullName}")
            .Distinct()
            .ToList();

        Assert.NotEmpty(outside);
        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void Cluster_module_knows_connections_and_topics_only_by_the_messages_that_cross()
    {
        var module = Engine.GetTypes().Where(InModule).ToList();

        var offenders = module
            .SelectMany(t => TypeDependencies.UsedBy(t).Select(used => (Owner: TypeDependencies.Owner(t), Used: used)))
            .Where(pair => pair.Used.Namespace is "Hub.Connections" or "Hub.Topics" && !typeof(IClusterMessage).IsAssignableFrom(pair.Used))
            .Select(pair => $"{pair.Owner.FullName} uses {pair.Used.FullName}")
            .Distinct()
            .ToList();

        Assert.Contains(typeof(HubMessageSerializer), module);
        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    /// <summary><c>Cluster/</c> and its <c>Serialization/</c>.</summary>
    private static bool InModule(Type type) => type.Namespace is "Hub.Cluster" or "Hub.Cluster.Serialization";

    /// <summary>Akka.Cluster, its tools (pub/sub), DistributedData, remoting, and Akka's serialization API.</summary>
    private static bool IsClusterMachinery(Type type) =>
        ClusterAssemblies.Contains(type.Assembly) || (type.Namespace?.StartsWith("Akka.Serialization", StringComparison.Ordinal) ?? false);
}
