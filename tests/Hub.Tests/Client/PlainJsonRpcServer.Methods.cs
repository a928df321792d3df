using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Client;

// The server's methods: how each request (or batch) is answered.
public sealed partial class PlainJsonRpcServer
{
    private static async Task AnswerBatchAsync(Connection connection, JArray batch)
    {
        var replies = new JArray();
        foreach (var request in batch.OfType<JObject>().Where(r => r.ContainsKey("id")))
        {
            var id = request["id"];
            var parameters = request["params"];
            switch ((string?)request["method"])
            {
                case "echo":
                    replies.Add(Result(id, parameters));
                    break;
                case "add":
                    replies.Add(Result(id, Add(parameters)));
                    break;
                case "fail":
                    replies.Add(Error(id, -32050, "Computer says no.", new JObject { ["reason"] = "because" }));
                    break;
                case "hang":
                    break;
                default:
                    replies.Add(Error(id, -32601, "Method not found"));
                    break;
            }
        }

        if (replies.Count > 0)
        {
            await connection.SendAsync(replies);
        }
    }

    private static JValue Add(JToken? parameters)
    {
        var a = parameters is JArray ? parameters[0]! : parameters!["a"]!;
        var b = parameters is JArray ? parameters[1]! : parameters!["b"]!;
        return a.Type == JTokenType.Integer && b.Type == JTokenType.Integer
            ? new JValue((long)a + (long)b)
            : new JValue((double)a + (double)b);
    }

    private async Task AnswerAsync(Connection connection, JObject request)
    {
        var id = request["id"];
        var parameters = request["params"];
        switch ((string?)request["method"])
        {
            case "echo":
                await connection.SendAsync(Result(id, parameters));
                break;
            case "add":
                await connection.SendAsync(Result(id, Add(parameters)));
                break;
            case "fail":
                await connection.SendAsync(Error(id, -32050, "Computer says no.", new JObject { ["reason"] = "because" }));
                break;
            case "hang":
                break;
            case "gated":
                var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_gate)
                {
                    _gatedAnswers.Add(answered);
                }

                await _gateOpen.Task;
                await connection.SendAsync(Result(id, parameters));
                answered.TrySetResult();
                break;
            case "batched":
                await AnswerBatchedAsync(connection, request);
                break;
            case "fragmented":
                await connection.SendFragmentedAsync(Result(id, parameters).ToString(Formatting.None), 7);
                break;
            case "whoami":
                await connection.SendAsync(Result(id, connection.Headers));
                break;
            case "subscribe":
                await SubscribeAsync(connection, id, parameters);
                break;
            case "unsubscribe":
                foreach (var topic in parameters?.Values<string>() ?? [])
                {
                    lock (_gate)
                    {
                        connection.Topics.Remove(topic!);
                    }
                }

                await connection.SendAsync(Result(id, Subscriptions(connection)));
                break;
            case "get_subscriptions":
                await connection.SendAsync(Result(id, Subscriptions(connection)));
                break;
            default:
                await connection.SendAsync(Error(id, -32601, "Method not found"));
                break;
        }
    }

    private async Task SubscribeAsync(Connection connection, JToken? id, JToken? parameters)
    {
        var topics = parameters?.Values<string>().ToArray() ?? [];
        if (topics.Contains(ForbiddenTopic))
        {
            await connection.SendAsync(Error(id, -32602, "Invalid params", new JArray(ForbiddenTopic)));
            return;
        }

        var retained = new List<string>();
        lock (_gate)
        {
            foreach (var topic in topics)
            {
                if (connection.Topics.Add(topic!) && _retained.TryGetValue(topic!, out var value))
                {
                    retained.Add(Notification(topic!, value));
                }
            }
        }

        foreach (var notification in retained)
        {
            await connection.SendAsync(notification);
        }

        await connection.SendAsync(Result(id, Subscriptions(connection)));
    }

    private JArray Subscriptions(Connection connection)
    {
        lock (_gate)
        {
            return new JArray(connection.Topics.Order(StringComparer.Ordinal));
        }
    }

    private async Task AnswerBatchedAsync(Connection connection, JObject request)
    {
        JArray? replies = null;
        lock (_gate)
        {
            _batch.Add((connection, request));
            if (_batch.Count == 2)
            {
                replies = new JArray(_batch.Select(entry => Result(entry.Request["id"], entry.Request["params"])));
                _batch.Clear();
            }
        }

        if (replies is not null)
        {
            await connection.SendAsync(replies.ToString(Formatting.None));
        }
    }

    private static string Notification(string method, JToken? data)
    {
        var message = new JObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (data is not null && data.Type != JTokenType.Null)
        {
            message["params"] = data;
        }

        return message.ToString(Formatting.None);
    }

    private static JObject Result(JToken? id, JToken? result) =>
        new() { ["jsonrpc"] = "2.0", ["result"] = result ?? JValue.CreateNull(), ["id"] = id };

    private static JObject Error(JToken? id, int code, string message, JToken? data = null)
    {
        var error = new JObject { ["code"] = code, ["message"] = message };
        if (data is not null)
        {
            error["data"] = data;
        }

        return new JObject { ["jsonrpc"] = "2.0", ["error"] = error, ["id"] = id };
    }
}
