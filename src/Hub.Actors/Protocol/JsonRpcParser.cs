using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>
/// Reads one frame or body into requests, notifications, batches and the errors of PROTOCOL.md
/// sections 3 and 4. Pure: no I/O, no Akka.
/// </summary>
internal static class JsonRpcParser
{
    public static ParsedFrame Parse(ReadOnlySpan<byte> utf8, int maxDepth, int maxBatch)
    {
        var root = JsonText.TryParse(utf8, maxDepth, out var error);
        if (root is null)
        {
            return new ParsedFrame.Rejected(new JsonRpcFailure(RequestId.Null, JsonRpcError.ParseError(error)));
        }

        if (root is JArray batch)
        {
            if (batch.Count == 0)
            {
                return new ParsedFrame.Rejected(new JsonRpcFailure(RequestId.Null, JsonRpcError.InvalidRequest("empty batch")));
            }

            if (batch.Count > maxBatch)
            {
                return new ParsedFrame.Rejected(new JsonRpcFailure(
                    RequestId.Null, JsonRpcError.InvalidRequest($"batch of {batch.Count} entries is over the limit of {maxBatch}")));
            }

            var entries = new JsonRpcMessage[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                entries[i] = ReadEntry(batch[i]);
            }

            return new ParsedFrame.Batch(entries);
        }

        return new ParsedFrame.Single(ReadEntry(root));
    }

    /// <summary>Reads one message (top level or batch entry); never throws.</summary>
    public static JsonRpcMessage ReadEntry(JToken token)
    {
        if (token is not JObject message)
        {
            return new JsonRpcInvalid(RequestId.Null, token is JArray ? "batches do not nest" : "a request must be an object");
        }

        var hasId = message.TryGetValue("id", StringComparison.Ordinal, out var idToken);
        var idValid = RequestId.TryFrom(idToken ?? JValue.CreateNull(), out var id);
        if (!idValid)
        {
            id = RequestId.Null;
        }

        var method = message["method"];
        if (method is null && (message.ContainsKey("result") || message.ContainsKey("error")))
        {
            return ReadClientReply(message, id);
        }

        if (message["jsonrpc"] is not JValue { Type: JTokenType.String } version || (string?)version != "2.0")
        {
            return new JsonRpcInvalid(id, "'jsonrpc' must be \"2.0\"");
        }

        if (method is not JValue { Type: JTokenType.String })
        {
            return new JsonRpcInvalid(id, "'method' must be a string");
        }

        if (!idValid)
        {
            return new JsonRpcInvalid(id, "'id' must be a string, a number or null");
        }

        var hasParams = message.TryGetValue("params", StringComparison.Ordinal, out var parameters);
        if (hasParams && parameters is not (JArray or JObject))
        {
            return new JsonRpcInvalid(id, "'params' must be an array or an object");
        }

        var name = (string)method!;
        return hasId ? new JsonRpcRequest(id, name, parameters) : new JsonRpcNotification(name, parameters);
    }

    private static JsonRpcClientReply ReadClientReply(JObject message, RequestId id)
    {
        if (message.TryGetValue("error", StringComparison.Ordinal, out var error))
        {
            // A code that is not an int (a fraction, or an integer of any size) is read like a missing one, never thrown on.
            var code = error is JObject e && e["code"] is JValue { Value: long c } && c is >= int.MinValue and <= int.MaxValue
                ? (int)c
                : (int)JsonRpcErrorCode.InternalError;
            var text = error is JObject e2 && e2["message"] is JValue { Type: JTokenType.String } m ? (string)m! : string.Empty;
            return new JsonRpcClientReply(id, null, new JsonRpcError(code, text, (error as JObject)?["data"]));
        }

        return new JsonRpcClientReply(id, message["result"] ?? JValue.CreateNull(), null);
    }
}
