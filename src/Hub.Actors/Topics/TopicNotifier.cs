using System.Collections.Frozen;
using Akka.Actor;
using Hub.Cluster;
using Hub.Diagnostics;
using Hub.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Topics;

/// <summary>
/// <see cref="IHub.NotifyAsync"/> on this node: checks the topic and data, encodes the notification once, refuses it
/// when it cannot cross between nodes, and hands it to the topic's <see cref="TopicPublisher"/>, which keeps the order.
/// What the engine gives method actors and the host to publish with.
/// </summary>
internal sealed class TopicNotifier : IHub
{
    private readonly FrozenDictionary<string, TopicPublisher> _publishers;
    private readonly JsonSerializer _serializer;
    private readonly ClusterPayload _payload;

    /// <param name="system">This node.</param>
    /// <param name="mediator">The cluster's pub/sub mediator.</param>
    /// <param name="topics">The declared topics.</param>
    /// <param name="serializer">Turns data that is not a <see cref="JToken"/> into one.</param>
    /// <param name="payload">What may cross between nodes.</param>
    /// <param name="storeTimeout">How long storing a retained value may take.</param>
    public TopicNotifier(ActorSystem system, IActorRef mediator, IEnumerable<string> topics, JsonSerializer serializer, ClusterPayload payload, TimeSpan storeTimeout)
    {
        var origin = TopicPublisher.Origin(system);
        _publishers = topics.ToFrozenDictionary(
            topic => topic,
            topic => new TopicPublisher(system, mediator, topic, (frame, stamp) => new TopicProtocol.Deliver(topic, frame, origin, stamp), storeTimeout),
            StringComparer.Ordinal);
        _serializer = serializer;
        _payload = payload;
    }

    public Task NotifyAsync(string topic, object? data, bool retain = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!_publishers.TryGetValue(topic, out var publisher))
        {
            throw new ArgumentException($"'{topic}' is not a declared topic.", nameof(topic));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var token = data is null ? null : data as JToken ?? JToken.FromObject(data, _serializer);
        if (token is not null and not (JObject or JArray) && token.Type != JTokenType.Null)
        {
            throw new ArgumentException("Topic data must be a JSON object, an array or null (JSON-RPC 2.0 params).", nameof(data));
        }

        byte[] frame;
        try
        {
            frame = JsonRpcEncoder.Notification(topic, token);
        }
        catch (JsonWriteException ex)
        {
            throw new ArgumentException("Topic data cannot be written as JSON: " + ex.Message, nameof(data), ex);
        }

        // It goes to every node, retained or not: refused here rather than dropped by remoting on the way.
        _payload.CheckNotification(topic, frame);

        // The topic's publisher keeps this node's publications in the order given here, retained ones included.
        HubMetrics.Published(topic);
        return publisher.PublishAsync(frame, retain, clear: token is null || token.Type == JTokenType.Null);
    }
}
