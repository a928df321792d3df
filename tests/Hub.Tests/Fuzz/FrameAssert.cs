using System.Text;
using System.Text.Json;
using Hub.Protocol;

namespace Hub.Tests.Fuzz;

/// <summary>
/// What every frame must come to (PROTOCOL.md sections 2 to 4): one error reply with a null id, one message, or a
/// batch within the limit; and the replies a connection sends for it are compact, canonical JSON in the fixed member order.
/// </summary>
internal static class FrameAssert
{
    public const int MaxDepth = 64;
    public const int MaxBatch = 100;

    /// <summary>Deep enough for any reply: an echo of params at the depth limit, inside a batch reply.</summary>
    private const int ReplyDepth = MaxDepth + 8;

    public static ParsedFrame Parse(ReadOnlySpan<byte> bytes) => JsonRpcParser.Parse(bytes, MaxDepth, MaxBatch);

    /// <summary>Parses <paramref name="bytes"/> (any exception fails the property) and checks the frame and its replies.</summary>
    public static ParsedFrame WellFormed(ReadOnlySpan<byte> bytes)
    {
        var frame = Parse(bytes);
        switch (frame)
        {
            case ParsedFrame.Rejected rejected:
                Assert.Equal(RequestId.Null, rejected.Reply.Id);
                Assert.Contains(rejected.Reply.Error.Code, new[] { -32700, -32600 });
                Assert.Equal(JsonRpcErrorCodes.MessageOf(rejected.Reply.Error.Code), rejected.Reply.Error.Message);
                if (rejected.Reply.Error.Code == -32600)
                {
                    // Only an empty or oversized batch is refused whole; every other invalid request is a message.
                    Assert.Equal((byte)'[', bytes.TrimStart(" \t\r\n"u8)[0]);
                }

                break;
            case ParsedFrame.Single single:
                AssertEntry(single.Message);
                break;
            case ParsedFrame.Batch batch:
                Assert.InRange(batch.Entries.Count, 1, MaxBatch);
                foreach (var entry in batch.Entries)
                {
                    AssertEntry(entry);
                }

                break;
            default:
                Assert.Fail($"unexpected frame {frame}");
                break;
        }

        AssertReplies(frame);
        return frame;
    }

    /// <summary>The reply a connection sends: one per request (here, its params echoed as the result) and per invalid entry; null when none.</summary>
    public static byte[]? ReplyTo(ParsedFrame frame)
    {
        switch (frame)
        {
            case ParsedFrame.Rejected rejected:
                return JsonRpcEncoder.Encode(rejected.Reply);
            case ParsedFrame.Single single:
                return ReplyTo(single.Message);
            case ParsedFrame.Batch batch:
                var replies = batch.Entries.Select(ReplyTo).OfType<byte[]>().ToList();
                return replies.Count == 0 ? null : JsonRpcEncoder.Batch(replies);
            default:
                throw new ArgumentOutOfRangeException(nameof(frame), frame, null);
        }
    }

    /// <summary>
    /// Checks one reply object: strict JSON, compact and canonical (writing it again gives the same bytes), members
    /// exactly <c>jsonrpc</c>, <c>result</c> or <c>error</c>, <c>id</c>; inside <c>error</c>, <c>code</c>, <c>message</c>,
    /// optional <c>data</c>. Returns the id's text.
    /// </summary>
    public static string AssertReply(ReadOnlySpan<byte> reply)
    {
        var tree = JsonText.TryParse(reply, ReplyDepth, out var error);
        Assert.True(tree is not null, $"the reply is not strict JSON ({error}): {FuzzBytes.Printable(reply)}");
        Assert.Equal(FuzzBytes.Printable(reply), FuzzBytes.Printable(Encoding.UTF8.GetBytes(JsonGen.Write(tree))));

        var members = Members(reply);
        var names = string.Join(",", members.Select(m => m.Name));
        Assert.True(names is "jsonrpc,result,id" or "jsonrpc,error,id", $"member order {names}: {FuzzBytes.Printable(reply)}");
        Assert.Equal("\"2.0\"", members[0].Raw);
        if (members[1].Name == "error")
        {
            var errorMembers = Members(Encoding.UTF8.GetBytes(members[1].Raw));
            var errorNames = string.Join(",", errorMembers.Select(m => m.Name));
            Assert.True(errorNames is "code,message" or "code,message,data", $"error member order {errorNames}");
            Assert.True(int.TryParse(errorMembers[0].Raw, out _), $"error code {errorMembers[0].Raw}");
            Assert.StartsWith("\"", errorMembers[1].Raw, StringComparison.Ordinal);
        }

        return members[2].Raw;
    }

    /// <summary>The raw text of each entry of a JSON array.</summary>
    public static List<string> Elements(ReadOnlySpan<byte> array)
    {
        var reader = new Utf8JsonReader(array, new JsonReaderOptions { MaxDepth = ReplyDepth });
        Assert.True(reader.Read() && reader.TokenType == JsonTokenType.StartArray, "not an array");
        var elements = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            elements.Add(Encoding.UTF8.GetString(array[start..(int)reader.BytesConsumed]));
        }

        return elements;
    }

    /// <summary>The names and raw value texts of a JSON object's members, in order, repeats kept.</summary>
    public static List<(string Name, string Raw)> Members(ReadOnlySpan<byte> obj)
    {
        var reader = new Utf8JsonReader(obj, new JsonReaderOptions { MaxDepth = ReplyDepth });
        Assert.True(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "not an object");
        var members = new List<(string, string)>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            members.Add((name, Encoding.UTF8.GetString(obj[start..(int)reader.BytesConsumed])));
        }

        return members;
    }

    /// <summary>The id as a reply writes it.</summary>
    public static string IdText(RequestId id) => id.Kind switch
    {
        RequestIdKind.String => JsonGen.Write(new Newtonsoft.Json.Linq.JValue(id.Text)),
        RequestIdKind.Number => id.Text!,
        _ => "null",
    };

    /// <summary>The kind and reply id text of one message.</summary>
    public static (EntryKind Kind, string Id) Describe(JsonRpcMessage message) => message switch
    {
        JsonRpcRequest request => (EntryKind.Request, IdText(request.Id)),
        JsonRpcNotification => (EntryKind.Notification, "null"),
        JsonRpcInvalid invalid => (EntryKind.Invalid, IdText(invalid.Id)),
        JsonRpcClientReply reply => (EntryKind.ClientReply, IdText(reply.Id)),
        _ => throw new ArgumentOutOfRangeException(nameof(message), message, null),
    };

    private static byte[]? ReplyTo(JsonRpcMessage message) => message switch
    {
        JsonRpcRequest request => JsonRpcEncoder.Success(request.Id, request.Params),
        JsonRpcInvalid invalid => JsonRpcEncoder.Encode(invalid),
        _ => null,
    };

    private static void AssertEntry(JsonRpcMessage message)
    {
        Assert.True(message is JsonRpcRequest or JsonRpcNotification or JsonRpcInvalid or JsonRpcClientReply, $"unexpected entry {message}");
        if (message is JsonRpcInvalid invalid)
        {
            Assert.False(string.IsNullOrEmpty(invalid.Reason));
        }
    }

    private static void AssertReplies(ParsedFrame frame)
    {
        var reply = ReplyTo(frame);
        switch (frame)
        {
            case ParsedFrame.Single { Message: JsonRpcNotification or JsonRpcClientReply }:
                Assert.Null(reply);
                break;
            case ParsedFrame.Batch batch:
                var answered = batch.Entries.Where(e => e is JsonRpcRequest or JsonRpcInvalid).ToList();
                if (answered.Count == 0)
                {
                    Assert.Null(reply);
                    break;
                }

                var elements = Elements(reply!);
                Assert.Equal(answered.Count, elements.Count);
                for (var i = 0; i < elements.Count; i++)
                {
                    Assert.Equal(Describe(answered[i]).Id, AssertReply(Encoding.UTF8.GetBytes(elements[i])));
                }

                break;
            default:
                var id = AssertReply(reply!);
                var expected = frame is ParsedFrame.Single single ? Describe(single.Message).Id : "null";
                Assert.Equal(expected, id);
                break;
        }
    }
}
