using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Text;
using Hub.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// What the receive loop hands over: parses messages and routes replies, notifications and server calls.
public sealed partial class HubClient
{
    private static readonly JsonLoadSettings LoadSettings = new() { LineInfoHandling = LineInfoHandling.Ignore };

    /// <summary>Called by a connection's receive loop with each whole message; never throws, never blocks.</summary>
    internal void HandleFrame(ClientConnection connection, WebSocketMessageType type, ReadOnlySpan<byte> frame)
    {
        // PROTOCOL.md: text frames only. A binary frame from the server has no meaning here.
        if (type != WebSocketMessageType.Text)
        {
            return;
        }

        JToken message;
        var text = Encoding.UTF8.GetString(frame);
        using var reader = new JsonTextReader(new StringReader(text))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            MaxDepth = _maxDepth,
        };
        try
        {
            message = JToken.ReadFrom(reader, LoadSettings);
        }
        catch (JsonReaderException) when (reader.Depth >= _maxDepth)
        {
            // Past the limit Newtonsoft stops at that depth (text broken at the deepest level allowed stops there too).
            // Like the hub's -32700 for such a message: dropped, as unreadable, and the connection carries on. Code
            // that walks a token recursively (ToString, the serializer) never sees a deeper one.
            HubClientLog.TooDeep(_logger, connection.Endpoint, _maxDepth);
            return;
        }
        catch (JsonException)
        {
            // Not JSON: nothing in it can be matched to a call, so there is nobody to tell.
            HubClientLog.NotJson(_logger, connection.Endpoint, text);
            return;
        }

        if (message is JArray batch)
        {
            foreach (var entry in batch)
            {
                HandleMessage(connection, entry);
            }
        }
        else if (IsBatchRefusal(message, out var refusal))
        {
            if (!connection.Refusals.TryRefuse(refusal))
            {
                HubClientLog.IgnoredReply(_logger, connection.Endpoint, "null");
            }
        }
        else
        {
            HandleMessage(connection, message);
        }
    }

    /// <summary>
    /// A lone <c>-32600</c> error with a null (or no) id. The client only sends well-formed requests with numeric ids,
    /// so it is the refusal of a whole batch: one over the server's limit (PROTOCOL.md section 3), or sent to a server
    /// that takes no batches. Inside a batch reply, such an error answers an entry, not the batch.
    /// </summary>
    private static bool IsBatchRefusal(JToken message, [NotNullWhen(true)] out HubRpcException? refusal)
    {
        refusal = null;
        if (message is JObject envelope
            && !envelope.ContainsKey("method")
            && envelope["id"] is null or { Type: JTokenType.Null }
            && envelope["error"] is JObject error
            && HubRpcException.FromError(JsonRpcError.Read(error)) is { Code: JsonRpcErrorCodes.InvalidRequest } invalid)
        {
            refusal = invalid;
        }

        return refusal is not null;
    }

    private void HandleMessage(ClientConnection connection, JToken message)
    {
        if (message is not JObject envelope)
        {
            return;
        }

        if (envelope["method"] is JValue { Type: JTokenType.String, Value: string method })
        {
            var parameters = envelope["params"];
            if (envelope.TryGetValue("id", out var id))
            {
                ServeServerCall(connection, method, parameters, id);
            }
            else
            {
                DispatchNotification(method, parameters);
            }

            return;
        }

        if (envelope["id"] is JValue { Type: JTokenType.Integer, Value: long callId })
        {
            // Late or not, a reply tells which batches the server has taken.
            connection.Refusals.Answered(callId);
            if (connection.Pending.TryRemove(callId, out var call))
            {
                if (envelope["error"] is JObject error)
                {
                    call.TrySetException(HubRpcException.FromError(JsonRpcError.Read(error)));
                }
                else
                {
                    call.TrySetResult(envelope["result"] ?? JValue.CreateNull());
                }

                return;
            }
        }

        // Any other reply (to a call cancelled or timed out, unknown id, id null) matches no waiting call: dropped.
        HubClientLog.IgnoredReply(_logger, connection.Endpoint, envelope["id"]?.ToString(Formatting.None) ?? "none");
    }
}
