using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Hub.Topics;

namespace Hub.Cluster;

/// <summary>
/// Retained values live in Akka.DistributedData, one last-writer-wins register per topic, so they are
/// cluster-wide: a subscriber on any node gets what a publisher on another retained. An empty value means none.
/// The register's timestamp is the publication's stamp and its writer the publishing node, so a value read back
/// names the publication it came from (<see cref="Retained"/>). Writes and reads go to a majority of nodes, so a
/// read that starts after a write completed sees it (or a newer one) on any node; when no majority answers in
/// time, the local replica serves, and gossip spreads the value later.
/// </summary>
internal static class RetainedValues
{
    private static readonly TimeSpan MajorityTimeout = TimeSpan.FromSeconds(3);

    public static LWWRegisterKey<byte[]> Key(string topic) => new("hub-retained:" + topic);

    /// <summary>
    /// Stores (or, with null, clears) the retained notification published with <paramref name="stamp"/> by this node;
    /// completes when a majority has it, or the local replica at least. A register holding a newer publication keeps it.
    /// </summary>
    public static async Task StoreAsync(ActorSystem system, string topic, byte[]? encoded, long stamp, TimeSpan timeout)
    {
        var replicator = DistributedData.Get(system).Replicator;
        var self = Akka.Cluster.Cluster.Get(system).SelfUniqueAddress;
        var value = encoded ?? [];
        var written = new LWWRegister<byte[]>(self, value, stamp);

        // The replicator merges what this returns with its replica: the later stamp wins, as on every other node.
        var update = Dsl.Update(Key(topic), written, new WriteMajority(MajorityTimeout), register => register.Merge(written));
        var response = await replicator.Ask<IUpdateResponse>(update, timeout).ConfigureAwait(false);

        // A timeout means no majority answered: the local replica has the value all the same.
        if (!response.IsSuccessful && response is not UpdateTimeout)
        {
            throw new InvalidOperationException($"Storing the retained value of '{topic}' failed: {response}.");
        }
    }

    /// <summary>
    /// Asks a majority of replicas (or, with <paramref name="local"/>, this node's) for the retained notification; the
    /// answer comes to <paramref name="replyTo"/> as a Get response whose <c>Request</c> is <paramref name="request"/>.
    /// </summary>
    public static void Request(ActorSystem system, string topic, IActorRef replyTo, object request, bool local = false) =>
        DistributedData.Get(system).Replicator.Tell(
            Dsl.Get(Key(topic), local ? ReadLocal.Instance : new ReadMajority(MajorityTimeout), request), replyTo);

    /// <summary>
    /// The publication a Get response holds, or null when nothing was ever retained for the topic. A cleared value is
    /// a <see cref="Retained"/> with no frame: it still places later publications.
    /// </summary>
    public static Retained? Read(IGetResponse response, string topic) =>
        response is GetSuccess success && success.Get(Key(topic)) is { } register
            ? new Retained(register.Value is { Length: > 0 } value ? value : null, register.UpdatedBy.Uid, register.Timestamp)
            : null;

    /// <summary>A retained publication: its frame (null when cleared), and its origin and stamp (<see cref="TopicProtocol.Deliver"/>).</summary>
    public sealed record Retained(byte[]? Frame, int Origin, long Stamp);
}
