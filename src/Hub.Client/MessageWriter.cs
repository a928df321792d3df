using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>Writes the JSON-RPC 2.0 messages the client sends, as UTF-8 text frames.</summary>
internal static class MessageWriter
{
    /// <summary>A request (with <paramref name="id"/>) or a notification (without); no <c>params</c> member when <paramref name="parameters"/> is null.</summary>
    public static byte[] Request(JsonSerializer serializer, string method, JToken? parameters, long? id) =>
        Write(writer => WriteRequestMembers(writer, serializer, method, parameters, id));

    /// <summary>A batch: an array of requests and notifications, in the order given (PROTOCOL.md section 3).</summary>
    public static byte[] Batch(JsonSerializer serializer, IEnumerable<(string Method, JToken? Parameters, long? Id)> requests)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None })
        {
            writer.WriteStartArray();
            foreach (var (method, parameters, id) in requests)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("jsonrpc");
                writer.WriteValue("2.0");
                WriteRequestMembers(writer, serializer, method, parameters, id);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A success reply to a server-to-client call.</summary>
    public static byte[] Result(JsonSerializer serializer, JToken id, JToken result) =>
        Write(writer =>
        {
            writer.WritePropertyName("result");
            serializer.Serialize(writer, result);
            writer.WritePropertyName("id");
            id.WriteTo(writer);
        });

    /// <summary>An error reply to a server-to-client call; no <c>data</c> member when <paramref name="data"/> is null.</summary>
    public static byte[] Error(JsonSerializer serializer, JToken id, int code, string message, JToken? data) =>
        Write(writer =>
        {
            writer.WritePropertyName("error");
            writer.WriteStartObject();
            writer.WritePropertyName("code");
            writer.WriteValue(code);
            writer.WritePropertyName("message");
            writer.WriteValue(message);
            if (data is not null)
            {
                writer.WritePropertyName("data");
                serializer.Serialize(writer, data);
            }

            writer.WriteEndObject();
            writer.WritePropertyName("id");
            id.WriteTo(writer);
        });

    /// <summary>
    /// Turns one .NET value into JSON with the user's settings. Done before anything is written, so a value that
    /// cannot be serialized fails the call at once and never leaves a half-written frame.
    /// </summary>
    public static JToken ToToken(JsonSerializer serializer, object? value) =>
        value is null ? JValue.CreateNull() : JToken.FromObject(value, serializer);

    private static void WriteRequestMembers(JsonTextWriter writer, JsonSerializer serializer, string method, JToken? parameters, long? id)
    {
        writer.WritePropertyName("method");
        writer.WriteValue(method);
        if (parameters is not null)
        {
            writer.WritePropertyName("params");
            serializer.Serialize(writer, parameters);
        }

        if (id is { } value)
        {
            writer.WritePropertyName("id");
            writer.WriteValue(value);
        }
    }

    private static byte[] Write(Action<JsonTextWriter> members)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None })
        {
            writer.WriteStartObject();
            writer.WritePropertyName("jsonrpc");
            writer.WriteValue("2.0");
            members(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
