using Akka.Actor;
using Hub.Protocol;
using Hub.Serialization;
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

    private JArray CurrentSubscriptions() =>
        new(_subscriptions.Concat(_joining).Distinct().Order(StringComparer.Ordinal));

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
            .Where(t => !_subscriptions.Contains(t) && !_joining.Contains(t))
            .ToList();
        if (added.Count == 0)
        {
            AnswerResult(id, batch, slot, CurrentSubscriptions());
            return;
        }

        if (_subscriptions.Count + _joining.Count + added.Count > _settings.MaxSubscriptions)
        {
            AnswerError(id, batch, slot, JsonRpcError.InvalidParams($"at most {_settings.MaxSubscriptions} subscriptions per connection"));
            return;
        }

        _pendingSubscribes.Add(new PendingSubscribe(id, batch, slot, added));
        foreach (var topic in added)
        {
            _joining.Add(topic);
            _gate!.Pend(topic);

            // Unsubscribed while its Subscribe is still on its way: that Subscribe's answer serves this call too.
            // A second one would get no answer of its own (the router joins a connection once) or an extra one
            // that unsubscribes the topic again.
            if (!_leaving.Remove(topic))
            {
                _runtime.Topics.Tell(new TopicProtocol.Subscribe(topic, Self, _gate));
            }
        }
    }

    private void OnSubscribed(TopicProtocol.Subscribed subscribed)
    {
        var wanted = _joining.Remove(subscribed.Topic);
        if (wanted)
        {
            _subscriptions.Add(subscribed.Topic);
        }
        else
        {
            // Unsubscribed while the subscription was on its way.
            _leaving.Remove(subscribed.Topic);
            _runtime.Topics.Tell(new TopicProtocol.Unsubscribe(subscribed.Topic, Self));
        }

        // Several calls may wait for this topic: subscribed, unsubscribed and subscribed again before the answer.
        foreach (var pending in _pendingSubscribes.Where(p => p.Waiting.Remove(subscribed.Topic)).ToList())
        {
            if (wanted && subscribed.Retained is not null)
            {
                pending.Retained[subscribed.Topic] = subscribed.Retained;
            }

            if (pending.Waiting.Count > 0)
            {
                continue;
            }

            _pendingSubscribes.Remove(pending);

            // Retained values first, in the order the request named the topics; then the reply (PROTOCOL.md section 5).
            foreach (var topic in pending.Topics)
            {
                if (pending.Retained.TryGetValue(topic, out var frame) && _subscriptions.Contains(topic))
                {
                    Enqueue(frame);
                }
            }

            AnswerResult(pending.Id, pending.Batch, pending.Slot, CurrentSubscriptions());
        }

        // Live notifications go out from now on: after the retained values and replies queued above.
        if (wanted)
        {
            _gate!.Open(subscribed.Topic);
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
            _gate!.Close(topic);
            if (_subscriptions.Remove(topic))
            {
                _runtime.Topics.Tell(new TopicProtocol.Unsubscribe(topic, Self));
            }
            else if (_joining.Remove(topic))
            {
                // Its Subscribe is on its way; the answer unsubscribes it (OnSubscribed).
                _leaving.Add(topic);
            }
        }

        AnswerResult(id, batch, slot, CurrentSubscriptions());
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

    private sealed class PendingSubscribe(RequestId? id, BatchReply? batch, int slot, List<string> topics)
    {
        public RequestId? Id { get; } = id;

        public BatchReply? Batch { get; } = batch;

        public int Slot { get; } = slot;

        public List<string> Topics { get; } = topics;

        public HashSet<string> Waiting { get; } = new(topics, StringComparer.Ordinal);

        public Dictionary<string, byte[]> Retained { get; } = new(StringComparer.Ordinal);
    }
}
