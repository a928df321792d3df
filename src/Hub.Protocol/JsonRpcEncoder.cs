using System.Buffers;
using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>
/// Encodes messages in the member order of PROTOCOL.md section 2, so equal messages are equal bytes.
/// Each method returns a fresh array that is never written again, so it may be shared between subscribers.
/// </summary>
internal static class JsonRpcEncoder
{
    private static readonly byte[] Prefix = "{\"jsonrpc\":\"2.0\","u8.ToArray();

    // Each thread keeps one buffer to encode into (the frame is then copied out exactly), unless a large message grew it.
    private const int MaxKeptBuffer = 16 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadOutput;

    public static byte[] Encode(JsonRpcMessage message) => message switch
    {
        JsonRpcSuccess s => Success(s.Id, s.Result),
        JsonRpcFailure f => Failure(f.Id, f.Error),
        JsonRpcRequest r => Request(r.Id, r.Method, r.Params),
        JsonRpcNotification n => Notification(n.Method, n.Params),
        JsonRpcInvalid i => Failure(i.Id, JsonRpcError.InvalidRequest(i.Reason)),
        _ => throw new ArgumentOutOfRangeException(nameof(message), message.GetType().Name, "not an encodable message"),
    };

    /// <summary>A success reply; throws <see cref="JsonWriteException"/> when the result cannot be written.</summary>
    public static byte[] Success(RequestId id, JToken? result)
    {
        var output = Start();
        JsonText.WriteAscii(output, "\"result\":");
        JsonText.Write(output, result);
        WriteId(output, id);
        return End(output);
    }

    /// <summary>A failure reply; throws <see cref="JsonWriteException"/> when the error's message or data cannot be written.</summary>
    public static byte[] Failure(RequestId id, JsonRpcError error)
    {
        var output = Start();
        JsonText.WriteAscii(output, "\"error\":{\"code\":");
        JsonText.WriteAscii(output, error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        JsonText.WriteAscii(output, ",\"message\":");
        JsonText.WriteString(output, error.Message);
        if (error.Data is not null)
        {
            JsonText.WriteAscii(output, ",\"data\":");
            JsonText.Write(output, error.Data);
        }

        JsonText.WriteAscii(output, "}");
        WriteId(output, id);
        return End(output);
    }

    public static byte[] Request(RequestId id, string method, JToken? parameters)
    {
        var output = Start();
        WriteMethodAndParams(output, method, parameters);
        WriteId(output, id);
        return End(output);
    }

    /// <summary>A notification; no <c>params</c> member when <paramref name="parameters"/> is null or JSON null.</summary>
    public static byte[] Notification(string method, JToken? parameters)
    {
        var output = Start();
        WriteMethodAndParams(output, method, parameters);
        return End(output);
    }

    /// <summary>Joins encoded replies into one batch reply, in the order given.</summary>
    public static byte[] Batch(IReadOnlyList<byte[]> replies)
    {
        var length = 2 + Math.Max(0, replies.Count - 1) + replies.Sum(r => r.Length);
        var result = new byte[length];
        result[0] = (byte)'[';
        var position = 1;
        for (var i = 0; i < replies.Count; i++)
        {
            if (i > 0)
            {
                result[position++] = (byte)',';
            }

            replies[i].CopyTo(result, position);
            position += replies[i].Length;
        }

        result[position] = (byte)']';
        return result;
    }

    private static void WriteMethodAndParams(ArrayBufferWriter<byte> output, string method, JToken? parameters)
    {
        JsonText.WriteAscii(output, "\"method\":");
        JsonText.WriteString(output, method);
        if (parameters is not null && parameters.Type != JTokenType.Null)
        {
            JsonText.WriteAscii(output, ",\"params\":");
            JsonText.Write(output, parameters);
        }
    }

    private static ArrayBufferWriter<byte> Start()
    {
        // Taken from the thread while in use, so an encode inside another (none today) would get a buffer of its own.
        var output = _threadOutput ?? new ArrayBufferWriter<byte>(256);
        _threadOutput = null;
        output.ResetWrittenCount();
        output.Write(Prefix);
        return output;
    }

    private static void WriteId(ArrayBufferWriter<byte> output, RequestId id)
    {
        JsonText.WriteAscii(output, ",\"id\":");
        switch (id.Kind)
        {
            case RequestIdKind.String:
                JsonText.WriteString(output, id.Text!);
                break;
            case RequestIdKind.Number:
                JsonText.WriteAscii(output, id.Text!);
                break;
            default:
                JsonText.WriteAscii(output, "null");
                break;
        }
    }

    private static byte[] End(ArrayBufferWriter<byte> output)
    {
        JsonText.WriteAscii(output, "}");
        var frame = output.WrittenSpan.ToArray();
        if (output.Capacity <= MaxKeptBuffer)
        {
            _threadOutput = output;
        }

        return frame;
    }
}
