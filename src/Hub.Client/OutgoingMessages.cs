using Hub.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// The messages the client sends, written by Hub.Protocol's <see cref="JsonRpcEncoder"/> (PROTOCOL.md section 2), the
/// values in them made with the user's serializer settings.
/// </summary>
internal static class OutgoingMessages
{
    /// <summary>A request (with <paramref name="id"/>) or a notification (without); no <c>params</c> member when <paramref name="parameters"/> is null.</summary>
    /// <exception cref="ArgumentException">A param cannot be written as JSON (a string holding a lone surrogate).</exception>
    public static byte[] Request(string method, JToken? parameters, long? id)
    {
        try
        {
            return id is { } number
                ? JsonRpcEncoder.Request(RequestId.FromNumber(number), method, parameters)
                : JsonRpcEncoder.Notification(method, parameters);
        }
        catch (JsonWriteException e)
        {
            throw new ArgumentException($"The params of '{method}' cannot be written as JSON: {e.Message}.", e);
        }
    }

    /// <summary>A batch: an array of requests and notifications, in the order given (PROTOCOL.md section 3).</summary>
    /// <exception cref="ArgumentException">A param cannot be written as JSON (a string holding a lone surrogate).</exception>
    public static byte[] Batch(IEnumerable<(string Method, JToken? Parameters, long? Id)> requests) =>
        JsonRpcEncoder.Batch([.. requests.Select(request => Request(request.Method, request.Parameters, request.Id))]);

    /// <summary>
    /// Turns one .NET value into JSON with the user's settings. Done before anything is written, so a value that
    /// cannot be serialized fails the call at once and never leaves a half-written frame. Values JSON has no type
    /// for (dates, GUIDs, time spans, URIs, bytes) become the strings the user's settings write them as, since the
    /// encoder knows no settings.
    /// </summary>
    /// <exception cref="ArgumentException">The value holds NaN or an infinity, which JSON cannot hold.</exception>
    /// <exception cref="JsonException">The value cannot be serialized.</exception>
    public static JToken ToToken(JsonSerializer serializer, object? value)
    {
        var token = value is null ? JValue.CreateNull() : JToken.FromObject(value, serializer);
        Settle(token, serializer);
        return token;
    }

    private static void Settle(JToken token, JsonSerializer serializer)
    {
        switch (token)
        {
            case JContainer container:
                for (var child = container.First; child is not null; child = child.Next)
                {
                    Settle(child, serializer);
                }

                return;
            case JValue { Type: JTokenType.Float, Value: double or float } number when !double.IsFinite(Convert.ToDouble(number.Value, System.Globalization.CultureInfo.InvariantCulture)):
                throw new ArgumentException($"JSON cannot hold {number.Value}: a value holds NaN or an infinity.");
            case JValue { Type: JTokenType.Date or JTokenType.Guid or JTokenType.TimeSpan or JTokenType.Uri or JTokenType.Bytes } value:
                value.Value = WrittenString(value, serializer);
                return;
        }
    }

    /// <summary>The string <paramref name="serializer"/> writes <paramref name="value"/> as (its date format, time zone and culture).</summary>
    private static string? WrittenString(JValue value, JsonSerializer serializer)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        using (var writer = new JsonTextWriter(text))
        {
            serializer.Serialize(writer, value);
        }

        using var reader = new JsonTextReader(new StringReader(text.ToString())) { DateParseHandling = DateParseHandling.None };
        reader.Read();
        return Convert.ToString(reader.Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
