using System.Globalization;
using System.Text;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>
/// Writes a value as valid JSON in a form the protocol never writes: white space between tokens, characters escaped
/// that need not be (in either hex case, <c>\/</c> included), integers with a fraction or exponent, doubles in .NET's
/// exponent forms. Every choice comes from <see cref="Random"/> seeded by the case, so a failure replays.
/// </summary>
internal static class NoisyJson
{
    private const double ExactIntegerLimit = 9007199254740992;

    public static string Write(JToken token, int seed)
    {
        var text = new StringBuilder();
        Append(text, token, new Random(seed));
        return text.ToString();
    }

    private static void Append(StringBuilder text, JToken token, Random random)
    {
        Space(text, random);
        switch (token)
        {
            case JObject obj:
                text.Append('{');
                var first = true;
                foreach (var property in obj.Properties())
                {
                    text.Append(first ? string.Empty : ",");
                    first = false;
                    Space(text, random);
                    AppendString(text, property.Name, random);
                    Space(text, random);
                    text.Append(':');
                    Append(text, property.Value, random);
                }

                Space(text, random);
                text.Append('}');
                break;
            case JArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    text.Append(i > 0 ? "," : string.Empty);
                    Append(text, array[i], random);
                }

                Space(text, random);
                text.Append(']');
                break;
            case JValue { Type: JTokenType.String } value:
                AppendString(text, (string)value!, random);
                break;
            case JValue { Type: JTokenType.Float } value:
                var number = (double)value;
                text.Append(random.Next(4) switch
                {
                    0 => number.ToString("R", CultureInfo.InvariantCulture),
                    1 => number.ToString("E16", CultureInfo.InvariantCulture),
                    2 => number.ToString("e17", CultureInfo.InvariantCulture),
                    _ => EcmaNumber.Format(number),
                });
                break;
            case JValue { Type: JTokenType.Integer } value when Math.Abs((double)value) < ExactIntegerLimit && random.Next(3) == 0:
                // Read as a double of the same value, which is written back as the same integer.
                text.Append(JsonGen.Write(value)).Append(random.Next(3) switch { 0 => ".0", 1 => "e0", _ => ".000E+00" });
                break;
            default:
                text.Append(JsonGen.Write(token));
                break;
        }

        Space(text, random);
    }

    private static void AppendString(StringBuilder text, string value, Random random)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                // A pair is escaped whole or written whole: half of it raw would not be valid UTF-16, let alone UTF-8.
                text.Append(random.Next(4) == 0 ? $"\\u{(int)c:x4}\\u{(int)value[i + 1]:X4}" : value.Substring(i, 2));
                i++;
            }
            else if (c is '"' or '\\' or < ' ' || random.Next(4) == 0)
            {
                var shortForm = c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '/' => "\\/",
                    '\b' => "\\b",
                    '\f' => "\\f",
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => null,
                };
                var hex = ((int)c).ToString(random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture);
                text.Append(shortForm is not null && random.Next(2) == 0 ? shortForm : "\\u" + hex);
            }
            else
            {
                text.Append(c);
            }
        }

        text.Append('"');
    }

    private static void Space(StringBuilder text, Random random)
    {
        if (random.Next(3) == 0)
        {
            text.Append(random.Next(4) switch { 0 => " ", 1 => "\t", 2 => "\n", _ => "\r\n" });
        }
    }
}
