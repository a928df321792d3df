using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace Hub.Topics;

/// <summary>
/// Retained values live in Akka.DistributedData, one last-writer-wins register per topic, so they are
/// cluster-wide: a subscriber on any node gets what a publisher on another retained. An empty value means none.
/// Writes and reads go to a majority of nodes, so a subscribe that starts after a retaining publish returned
/// sees its value on any node; when no majority answers in time, the local replica serves, and gossip
/// spreads the value later.
/// </summary>
internal static class RetainedValues
{
    private static readonly TimeSpan MajorityTimeout = TimeSpan.FromSeconds(3);

    public static LWWRegisterKey<byte[]> Key(string topic) => new("hub-retained:" + topic);

    /// <summary>Stores (or, with null, clears) the retained notification; completes when a majority has it, or the local replica at least.</summary>
    public static async Task StoreAsync(ActorSystem system, string topic, byte[]? encoded, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var replicator = DistributedData.Get(system).Replicator;
        var self = Cluster.Get(system).SelfUniqueAddress;
        var value = encoded ?? [];
        var update = Dsl.Update(Key(topic), new LWWRegister<byte[]>(self, value), new WriteMajority(MajorityTimeout), register => register.WithValue(self, value));
        var response = await replicator.Ask<IUpdateResponse>(update, timeout, cancellationToken).ConfigureAwait(false);

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

    /// <summary>The retained notification in a Get response, or null when the topic has none.</summary>
    public static byte[]? Read(IGetResponse response, string topic) =>
        response is GetSuccess success && success.Get(Key(topic)).Value is { Length: > 0 } value ? value : null;
}
