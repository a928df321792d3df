using Akka.Actor;
using Hub.Protocol;
using Hub.Topics;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>
/// The connection's subscriptions (PROTOCOL.md section 5): <c>subscribe</c>, <c>unsubscribe</c>,
/// <c>get_subscriptions</c>. The order of what follows a subscribe (retained values, then the reply, then live
/// notifications) is kept by <see cref="Outbound.Subscription"/>.
/// </summary>
internal sealed partial class WebSocketConnectionActor
{
    // Per topic, the subscription made by the last subscribe: answered by its router (open) or not yet.
    private readonly SortedDictionary<string, Outbound.Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly List<PendingSubscribe> _pendingSubscribes = [];

    protected override bool IsWaiting => _pendingSubscribes.Count > 0;

    private JArray CurrentSubscriptions() => new(_subscriptions.Keys);

    /// <summary>Reads <c>["a","b"]</c> or <c>{"topics":["a","b"]}</c>; null with the reason otherwise.</summary>
    private static List<JToken>? TopicParams(JToken? parameters, out string? reason)
    {
        reason = null;
        switch (parameters)
        {
            case JArray names:
                return [.. names];
            case JObject named when named.Count == 1 && named["topics"] is JArray names:
                return [.. names];
            case JObject:
                reason = "expected {\"topics\": [...]}";
                return null;
            default:
                reason = "expected topic names";
                return null;
        }
    }

    private BuiltIn Subscribe(JToken? parameters, ReplyTo replyTo)
    {
        var names = TopicParams(parameters, out var reason);
        if (names is null)
        {
            return Refuse(replyTo, JsonRpcError.InvalidParams(reason));
        }

        // All or nothing: every name must be a topic this caller may see before anything changes.
        var refused = names.Where(n => n.Type != JTokenType.String || !Services.Topics.IsTopic((string)n!, User)).ToList();
        if (refused.Count > 0)
        {
            return Refuse(replyTo, JsonRpcError.InvalidParams(new JArray(refused.Select(n => n.Type == JTokenType.String ? n : new JValue(n.ToString(Newtonsoft.Json.Formatting.None))))));
        }

        var added = names.Select(n => (string)n!).Distinct(StringComparer.Ordinal)
            .Where(t => !_subscriptions.ContainsKey(t))
            .ToList();
        if (added.Count == 0)
        {
            Calls.AnswerResult(replyTo, CurrentSubscriptions());
            return BuiltIn.Answered();
        }

        if (_subscriptions.Count + added.Count > Settings.MaxSubscriptions)
        {
            return Refuse(replyTo, JsonRpcError.InvalidParams($"at most {Settings.MaxSubscriptions} subscriptions per connection"));
        }

        // Each subscribe makes new subscriptions, even right after an unsubscribe of the same topic: nothing the
        // router still sends to the old one reaches the client.
        var subscriptions = added.Select(Outbound.Subscribe).ToList();
        _pendingSubscribes.Add(new PendingSubscribe(replyTo, subscriptions));
        foreach (var subscription in subscriptions)
        {
            _subscriptions.Add(subscription.Topic, subscription);
            Services.TopicManager.Tell(new TopicProtocol.Subscribe(subscription.Topic, Self, subscription));
        }

        // It can only succeed now: counted as answered.
        return BuiltIn.Answered();
    }

    private void OnSubscribed(TopicProtocol.Subscribed subscribed)
    {
        if (subscribed.Sink is not Outbound.Subscription subscription
            || _pendingSubscribes.Find(p => p.Retained.ContainsKey(subscription)) is not { } pending)
        {
            return;
        }

        pending.Retained[subscription] = subscribed.Retained;
        if (--pending.Waiting > 0)
        {
            return;
        }

        // Retained values first, in the order the request named the topics; then the reply (PROTOCOL.md section 5);
        // then live notifications. A subscription ended meanwhile sends nothing (it is closed).
        _pendingSubscribes.Remove(pending);
        var current = pending.Retained.Keys.Where(s => _subscriptions.GetValueOrDefault(s.Topic) == s).ToList();
        foreach (var joined in current)
        {
            if (pending.Retained[joined] is { } frame)
            {
                Enqueue(frame);
            }
        }

        Calls.AnswerResult(pending.ReplyTo, CurrentSubscriptions());
        foreach (var joined in current)
        {
            joined.Open();
        }

        CloseIfDrained();
    }

    private BuiltIn Unsubscribe(JToken? parameters, ReplyTo replyTo)
    {
        var names = TopicParams(parameters, out var reason);
        if (names is null)
        {
            return Refuse(replyTo, JsonRpcError.InvalidParams(reason));
        }

        if (names.Any(n => n.Type != JTokenType.String))
        {
            return Refuse(replyTo, JsonRpcError.InvalidParams("topic names must be strings"));
        }

        foreach (var topic in names.Select(n => (string)n!))
        {
            EndSubscription(topic);
        }

        Calls.AnswerResult(replyTo, CurrentSubscriptions());
        return BuiltIn.Answered();
    }

    private BuiltIn Refuse(ReplyTo replyTo, JsonRpcError error)
    {
        Calls.AnswerError(replyTo, error);
        return BuiltIn.Answered(error.Code);
    }

    /// <summary>Ends the subscription to <paramref name="topic"/>, if any: nothing more of it is written, from now on.</summary>
    private void EndSubscription(string topic)
    {
        if (_subscriptions.Remove(topic, out var subscription))
        {
            subscription.Close();
            Services.TopicManager.Tell(new TopicProtocol.Unsubscribe(topic, Self, subscription));
        }
    }

    /// <summary>A subscribe call waiting for the routers to answer each subscription it made.</summary>
    private sealed class PendingSubscribe(ReplyTo replyTo, List<Outbound.Subscription> subscriptions)
    {
        public ReplyTo ReplyTo { get; } = replyTo;

        /// <summary>Each subscription, in the order the request named the topics, with its retained value once answered.</summary>
        public OrderedDictionary<Outbound.Subscription, byte[]?> Retained { get; } = new(subscriptions.Select(s => KeyValuePair.Create(s, (byte[]?)null)));

        /// <summary>How many subscriptions are not answered yet.</summary>
        public int Waiting { get; set; } = subscriptions.Count;
    }
}
