using Akka.Actor;
using Hub.Cluster;
using Hub.Protocol;
using Hub.Topics;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>The built-in methods (PROTOCOL.md section 5) and server-to-client calls (section 7).</summary>
internal sealed partial class ConnectionActor
{
    private bool TryBuiltIn(RequestId? id, string method, JToken? parameters, BatchReply? batch, int slot)
    {
        switch (method)
        {
            case "get_methods":
                AnswerResult(id, batch, slot, new JArray(_runtime.MethodNames(_isHttp, _user)));
                return true;
            case "get_topics":
                AnswerResult(id, batch, slot, new JArray(_runtime.TopicNames(_user)));
                return true;
            case "get_subscriptions" or "subscribe" or "unsubscribe" or "login" when _isHttp:
                // These need a connection to hold the subscriptions (PROTOCOL.md section 1).
                AnswerError(id, batch, slot, JsonRpcError.MethodNotFound);
                return true;
            case "get_subscriptions":
                AnswerResult(id, batch, slot, CurrentSubscriptions());
                return true;
            case "subscribe":
                Subscribe(id, parameters, batch, slot);
                return true;
            case "unsubscribe":
                Unsubscribe(id, parameters, batch, slot);
                return true;
            case "login" when _runtime.Authenticator is not null:
                Login(id, parameters, batch, slot);
                return true;
            default:
                return false;
        }
    }

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

    private void Subscribe(RequestId? id, JToken? parameters, BatchReply? batch, int slot)
    {
        var names = TopicParams(parameters, out var reason);
        if (names is null)
        {
            AnswerError(id, batch, slot, JsonRpcError.InvalidParams(reason));
            return;
        }

        // All or nothing: every name must be a topic this caller may see before anything changes.
        var refused = names.Where(n => n.Type != JTokenType.String || !_runtime.IsTopic((string)n!, _user)).ToList();
        if (refused.Count > 0)
        {
            AnswerError(id, batch, slot, JsonRpcError.InvalidParams(new JArray(refused.Select(n => n.Type == JTokenType.String ? n : new JValue(n.ToString(Newtonsoft.Json.Formatting.None))))));
            return;
        }

        var added = names.Select(n => (string)n!).Distinct(StringComparer.Ordinal)
            .Where(t => !_subscriptions.ContainsKey(t))
            .ToList();
        if (added.Count == 0)
        {
            AnswerResult(id, batch, slot, CurrentSubscriptions());
            return;
        }

        if (_subscriptions.Count + added.Count > _settings.MaxSubscriptions)
        {
            AnswerError(id, batch, slot, JsonRpcError.InvalidParams($"at most {_settings.MaxSubscriptions} subscriptions per connection"));
            return;
        }

        // Each subscribe makes new subscriptions, even right after an unsubscribe of the same topic: nothing the
        // router still sends to the old one reaches the client (SubscriberGate).
        var subscriptions = added.Select(_gate!.Subscribe).ToList();
        _pendingSubscribes.Add(new PendingSubscribe(id, batch, slot, subscriptions));
        foreach (var subscription in subscriptions)
        {
            _subscriptions.Add(subscription.Topic, subscription);
            _runtime.Topics.Tell(new TopicProtocol.Subscribe(subscription.Topic, Self, subscription));
        }
    }

    private void OnSubscribed(TopicProtocol.Subscribed subscribed)
    {
        if (subscribed.Sink is not SubscriberGate.Subscription subscription
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

        AnswerResult(pending.Id, pending.Batch, pending.Slot, CurrentSubscriptions());
        foreach (var joined in current)
        {
            joined.Open();
        }

        CloseIfDrained();
    }

    private void Unsubscribe(RequestId? id, JToken? parameters, BatchReply? batch, int slot)
    {
        var names = TopicParams(parameters, out var reason);
        if (names is null)
        {
            AnswerError(id, batch, slot, JsonRpcError.InvalidParams(reason));
            return;
        }

        if (names.Any(n => n.Type != JTokenType.String))
        {
            AnswerError(id, batch, slot, JsonRpcError.InvalidParams("topic names must be strings"));
            return;
        }

        foreach (var topic in names.Select(n => (string)n!))
        {
            EndSubscription(topic);
        }

        AnswerResult(id, batch, slot, CurrentSubscriptions());
    }

    /// <summary>Ends the subscription to <paramref name="topic"/>, if any: nothing more of it is written, from now on.</summary>
    private void EndSubscription(string topic)
    {
        if (_subscriptions.Remove(topic, out var subscription))
        {
            subscription.Close();
            _runtime.Topics.Tell(new TopicProtocol.Unsubscribe(topic, Self, subscription));
        }
    }

    private void OnCallClient(ConnectionProtocol.CallClient call)
    {
        if (_isHttp || _closing)
        {
            Sender.Tell(new ConnectionProtocol.ClientUnavailable("The connection cannot take server-to-client calls."));
            return;
        }

        var id = "s:" + ++_nextClientCall;
        _clientCalls[id] = Sender;
        Timers.StartSingleTimer("client-call:" + id, new ClientCallExpired(id), _settings.MethodTimeout);
        Enqueue(JsonRpcEncoder.Request(RequestId.FromString(id), call.Method, call.Params));
    }

    private void OnClientReply(JsonRpcClientReply reply)
    {
        // Replies to ids this connection never sent are ignored (PROTOCOL.md section 3).
        if (reply.Id.Kind != RequestIdKind.String || !_clientCalls.Remove(reply.Id.Text!, out var asker))
        {
            return;
        }

        Timers.Cancel("client-call:" + reply.Id.Text);
        asker.Tell(ClusterPayload.For(Context.System).FitsClientAnswer(asker, _connectionId, reply.Result, reply.Error)
            ? new ConnectionProtocol.ClientAnswered(reply.Result, reply.Error)
            : new ConnectionProtocol.ClientUnavailable("The client's answer is too large to cross the cluster."));
    }

    /// <summary>A subscribe call waiting for the routers to answer each subscription it made.</summary>
    private sealed class PendingSubscribe(RequestId? id, BatchReply? batch, int slot, List<SubscriberGate.Subscription> subscriptions)
    {
        public RequestId? Id { get; } = id;

        public BatchReply? Batch { get; } = batch;

        public int Slot { get; } = slot;

        /// <summary>Each subscription, in the order the request named the topics, with its retained value once answered.</summary>
        public OrderedDictionary<SubscriberGate.Subscription, byte[]?> Retained { get; } = new(subscriptions.Select(s => KeyValuePair.Create(s, (byte[]?)null)));

        /// <summary>How many subscriptions are not answered yet.</summary>
        public int Waiting { get; set; } = subscriptions.Count;
    }
}
