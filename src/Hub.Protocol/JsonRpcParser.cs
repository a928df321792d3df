using System.Text.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>
/// Reads one frame or body into requests, notifications, batches and the errors of PROTOCOL.md
/// sections 3 and 4 (the hub's side, <see cref="Parse"/>), or a frame a server sent into replies, notifications and
/// server-to-client calls (the client's side, <see cref="ParseFromServer"/>). Pure: no I/O, no Akka.
/// </summary>
/// <remarks>
/// The envelope (<c>jsonrpc</c>, <c>method</c>, <c>id</c>) is read straight off the reader; only the values handlers
/// see (<c>params</c>, a client's <c>result</c> or <c>error</c>) become <see cref="JToken"/> trees. That is most of
/// a small call's allocations saved, with the same strictness: every other value is still read in full by
/// <see cref="JsonText.ReadValue"/>, so bad text anywhere in the frame is a parse error as before.
/// </remarks>
internal static class JsonRpcParser
{
    public static ParsedFrame Parse(ReadOnlySpan<byte> utf8, int maxDepth, int maxBatch)
    {
        var frame = JsonText.TryRead(utf8, maxDepth, maxBatch, static (ref reader, maxBatch) => ReadFrame(ref reader, maxBatch), out var error);
        return frame ?? new ParsedFrame.Rejected(new JsonRpcFailure(RequestId.Null, JsonRpcError.ParseError(error)));
    }

    /// <summary>
    /// Reads a frame a server sent to a client as strictly as <see cref="Parse"/> reads a client's: every message must
    /// carry <c>"jsonrpc":"2.0"</c> (JSON-RPC 2.0 asks it of responses too), a reply a <c>result</c> or an <c>error</c>
    /// object (the error counts when both come, as the hub reads a client's reply), and an id that is a string, a number
    /// or null (a missing one reads as null, as servers that leave out <c>"id": null</c> send it). Integers past a <c>long</c> in values read as
    /// <see cref="System.Numerics.BigInteger"/>, as the client's users convert them.
    /// </summary>
    public static ServerFrame ParseFromServer(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        var frame = JsonText.TryRead(utf8, maxDepth, 0, static (ref reader, _) => ReadServerFrame(ref reader), out var error, out var tooDeep);
        return frame ?? new ServerFrame.Unreadable(error ?? "unreadable", tooDeep);
    }

    private static ServerFrame ReadServerFrame(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return new ServerFrame.Single(ReadEntry(ref reader, fromServer: true));
        }

        var entries = new List<JsonRpcMessage>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            entries.Add(ReadEntry(ref reader, fromServer: true));
        }

        return new ServerFrame.Batch(entries);
    }

    private static ParsedFrame ReadFrame(ref Utf8JsonReader reader, int maxBatch)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return new ParsedFrame.Single(ReadEntry(ref reader, fromServer: false));
        }

        // Entries past the limit are still read (the frame must be valid JSON to be refused as too long), not kept.
        var entries = new List<JsonRpcMessage>();
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (++count <= maxBatch)
            {
                entries.Add(ReadEntry(ref reader, fromServer: false));
            }
            else
            {
                JsonText.ReadValue(ref reader);
            }
        }

        if (count == 0)
        {
            return new ParsedFrame.Rejected(new JsonRpcFailure(RequestId.Null, JsonRpcError.InvalidRequest("empty batch")));
        }

        return count > maxBatch
            ? new ParsedFrame.Rejected(new JsonRpcFailure(
                RequestId.Null, JsonRpcError.InvalidRequest($"batch of {count} entries is over the limit of {maxBatch}")))
            : new ParsedFrame.Batch(entries);
    }

    /// <summary>Reads one message (top level or batch entry) at the reader's token, as the hub or as a client reads it.</summary>
    private static JsonRpcMessage ReadEntry(ref Utf8JsonReader reader, bool fromServer)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var nested = reader.TokenType == JsonTokenType.StartArray;
            JsonText.ReadValue(ref reader);
            return new JsonRpcInvalid(RequestId.Null, nested ? "batches do not nest" : "a request must be an object");
        }

        // A repeated member counts with its last value (PROTOCOL.md section 2), so each one simply overwrites.
        var envelope = default(Envelope);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("jsonrpc"u8))
            {
                reader.Read();
                envelope.VersionValid = reader.TokenType == JsonTokenType.String ? IsVersion(ref reader) : Skip(ref reader);
            }
            else if (reader.ValueTextEquals("method"u8))
            {
                reader.Read();
                envelope.HasMethod = true;
                envelope.Method = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (envelope.Method is null)
                {
                    Skip(ref reader);
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                envelope.HasId = true;
                envelope.IdValid = TryReadId(ref reader, out envelope.Id);
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                envelope.Params = JsonText.ReadValue(ref reader, bigIntegers: fromServer);
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                envelope.Result = JsonText.ReadValue(ref reader, bigIntegers: fromServer);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                envelope.Error = JsonText.ReadValue(ref reader, bigIntegers: fromServer);
            }
            else
            {
                _ = reader.GetString(); // a member of no meaning here, its name and value still checked
                reader.Read();
                JsonText.ReadValue(ref reader);
            }
        }

        return fromServer ? envelope.ToServerMessage() : envelope.ToMessage();
    }

    /// <summary>
    /// Whether the string token is <c>"2.0"</c>: those three bytes need no check; any other string is read as text,
    /// which checks its encoding.
    /// </summary>
    private static bool IsVersion(ref Utf8JsonReader reader) =>
        (!reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("2.0"u8)) || reader.GetString() == "2.0";

    /// <summary>Reads a value of the wrong type in full, so bad text inside it is still a parse error; always false.</summary>
    private static bool Skip(ref Utf8JsonReader reader)
    {
        JsonText.ReadValue(ref reader);
        return false;
    }

    /// <summary>Reads an id member's value (a string, a number or null); false for a type the specification does not allow.</summary>
    private static bool TryReadId(ref Utf8JsonReader reader, out RequestId id)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                id = RequestId.FromString(reader.GetString()!);
                return true;
            case JsonTokenType.Number:
                // The common id, a small integer, without a JValue.
                if (JsonText.TryReadInt64(reader.ValueSpan, out var small))
                {
                    id = RequestId.FromNumber(small);
                    return true;
                }

                return RequestId.TryFrom(JsonText.ReadNumber(reader.ValueSpan), out id);
            case JsonTokenType.Null:
                id = RequestId.Null;
                return true;
            default:
                JsonText.ReadValue(ref reader);
                id = RequestId.Null;
                return false;
        }
    }

    /// <summary>The members of one message that decide what it is.</summary>
    private struct Envelope
    {
        public bool VersionValid;
        public bool HasMethod;
        public string? Method;
        public bool HasId;
        public bool IdValid;
        public RequestId Id;
        public JToken? Params;
        public JToken? Result;
        public JToken? Error;

        public readonly JsonRpcMessage ToMessage()
        {
            var idValid = !HasId || IdValid;
            var id = IdValid ? Id : RequestId.Null;
            if (!HasMethod && (Result is not null || Error is not null))
            {
                return ReadClientReply(id);
            }

            if (!VersionValid)
            {
                return new JsonRpcInvalid(id, "'jsonrpc' must be \"2.0\"");
            }

            if (Method is null)
            {
                return new JsonRpcInvalid(id, "'method' must be a string");
            }

            if (!idValid)
            {
                return new JsonRpcInvalid(id, "'id' must be a string, a number or null");
            }

            if (Params is not (null or JArray or JObject))
            {
                return new JsonRpcInvalid(id, "'params' must be an array or an object");
            }

            return HasId ? new JsonRpcRequest(id, Method, Params) : new JsonRpcNotification(Method, Params);
        }

        /// <summary>A message as a server sends it to a client: a reply to one of its calls, a notification or a server-to-client call.</summary>
        public readonly JsonRpcMessage ToServerMessage()
        {
            var id = IdValid ? Id : RequestId.Null;
            if (!VersionValid)
            {
                return new JsonRpcInvalid(id, "'jsonrpc' must be \"2.0\"");
            }

            if (HasMethod)
            {
                return ToMessage();
            }

            if (HasId && !IdValid)
            {
                return new JsonRpcInvalid(id, "'id' must be a string, a number or null");
            }

            return (Result, Error) switch
            {
                (_, JObject error) => new JsonRpcFailure(id, JsonRpcError.Read(error)),
                (_, not null) => new JsonRpcInvalid(id, "'error' must be an object"),
                (not null, null) => new JsonRpcSuccess(id, Result),
                _ => new JsonRpcInvalid(id, "a reply needs 'result' or 'error'"),
            };
        }

        private readonly JsonRpcClientReply ReadClientReply(RequestId id)
        {
            if (Error is not null)
            {
                return new JsonRpcClientReply(id, null, JsonRpcError.Read(Error));
            }

            return new JsonRpcClientReply(id, Result, null);
        }
    }
}
