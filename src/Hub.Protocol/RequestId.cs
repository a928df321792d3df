using System.Globalization;
using System.Numerics;
using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>The kinds of JSON-RPC id, kept apart so that <c>1</c> and <c>"1"</c> never meet.</summary>
internal enum RequestIdKind
{
    Null,
    Number,
    String,
}

/// <summary>
/// A request id, echoed exactly: a string as its characters, a number as the exact text it is
/// written back as (integers of any size digit for digit, other numbers in ECMAScript form).
/// </summary>
internal readonly record struct RequestId(RequestIdKind Kind, string? Text)
{
    public static RequestId Null { get; } = new(RequestIdKind.Null, null);

    public static RequestId FromString(string value) => new(RequestIdKind.String, value);

    public static RequestId FromNumber(long value) => new(RequestIdKind.Number, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Reads an id member's value; false for a type the specification does not allow.</summary>
    public static bool TryFrom(JToken token, out RequestId id)
    {
        switch (token.Type)
        {
            case JTokenType.Null:
                id = Null;
                return true;
            case JTokenType.String:
                id = FromString((string)token!);
                return true;
            case JTokenType.Raw when token is IntegerText integer:
                id = new(RequestIdKind.Number, integer.Digits);
                return true;
            case JTokenType.Integer:
                id = new(RequestIdKind.Number, ((JValue)token).Value is BigInteger big
                    ? big.ToString(CultureInfo.InvariantCulture)
                    : Convert.ToString(((JValue)token).Value, CultureInfo.InvariantCulture));
                return true;
            case JTokenType.Float:
                id = new(RequestIdKind.Number, EcmaNumber.Format(Convert.ToDouble(((JValue)token).Value, CultureInfo.InvariantCulture)));
                return true;
            default:
                id = Null;
                return false;
        }
    }

    /// <summary>The id as a token, for replies built as JSON trees (the client's view).</summary>
    public JToken ToToken() => Kind switch
    {
        RequestIdKind.String => new JValue(Text),
        RequestIdKind.Number => JToken.Parse(Text!),
        _ => JValue.CreateNull(),
    };

    public override string ToString() => Kind switch
    {
        RequestIdKind.String => "\"" + Text + "\"",
        RequestIdKind.Number => Text!,
        _ => "null",
    };
}
