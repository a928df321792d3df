using System.Globalization;
using System.Numerics;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>
/// Equality of JSON trees as the protocol sees them: members in order, strings by ordinal, numbers by value. An
/// integral double and the integer token it is written as are equal (PROTOCOL.md section 2 writes <c>100.0</c> as
/// <c>100</c>, which reads back as an integer).
/// </summary>
internal static class JsonEquivalence
{
    /// <summary>Null when the trees are equal, else the first path where they differ.</summary>
    public static string? Difference(JToken? expected, JToken? actual, string path = "$")
    {
        expected ??= JValue.CreateNull();
        actual ??= JValue.CreateNull();
        switch (expected, actual)
        {
            case (JObject e, JObject a):
                var expectedMembers = e.Properties().ToList();
                var actualMembers = a.Properties().ToList();
                if (expectedMembers.Count != actualMembers.Count)
                {
                    return $"{path}: {expectedMembers.Count} members, got {actualMembers.Count}";
                }

                for (var i = 0; i < expectedMembers.Count; i++)
                {
                    if (!string.Equals(expectedMembers[i].Name, actualMembers[i].Name, StringComparison.Ordinal))
                    {
                        return $"{path}: member {i} is {JsonGen.Write(new JValue(expectedMembers[i].Name))}, got {JsonGen.Write(new JValue(actualMembers[i].Name))}";
                    }

                    var inner = Difference(expectedMembers[i].Value, actualMembers[i].Value, path + "." + expectedMembers[i].Name);
                    if (inner is not null)
                    {
                        return inner;
                    }
                }

                return null;
            case (JArray e, JArray a):
                if (e.Count != a.Count)
                {
                    return $"{path}: {e.Count} entries, got {a.Count}";
                }

                for (var i = 0; i < e.Count; i++)
                {
                    var inner = Difference(e[i], a[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
                    if (inner is not null)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return ScalarsEqual(expected, actual) ? null : $"{path}: {Describe(expected)}, got {Describe(actual)}";
        }
    }

    private static bool ScalarsEqual(JToken expected, JToken actual)
    {
        if (TryNumber(expected, out var expectedInteger, out var expectedDouble) && TryNumber(actual, out var actualInteger, out var actualDouble))
        {
            return (expectedInteger, actualInteger) switch
            {
                ({ } x, { } y) => x == y,
                (null, null) => expectedDouble == actualDouble,
                ({ } x, null) => ReadAsDouble(x) == actualDouble,
                (null, { } y) => expectedDouble == ReadAsDouble(y),
            };
        }

        return (expected, actual) switch
        {
            (JValue { Type: JTokenType.String } e, JValue { Type: JTokenType.String } a) => string.Equals((string?)e, (string?)a, StringComparison.Ordinal),
            (JValue { Type: JTokenType.Boolean } e, JValue { Type: JTokenType.Boolean } a) => (bool)e == (bool)a,
            (JValue { Type: JTokenType.Null }, JValue { Type: JTokenType.Null }) => true,
            _ => false,
        };
    }

    /// <summary>The double the text of an integer reads as: what a reader of the written form gets.</summary>
    private static double ReadAsDouble(BigInteger integer) => double.Parse(integer.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static bool TryNumber(JToken token, out BigInteger? integer, out double number)
    {
        integer = null;
        number = 0;
        switch (token)
        {
            case IntegerText text:
                integer = BigInteger.Parse(text.Digits, CultureInfo.InvariantCulture);
                return true;
            case JRaw { Value: string digits } when BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                integer = parsed;
                return true;
            case JValue { Type: JTokenType.Integer } value:
                integer = value.Value is BigInteger big ? big : new BigInteger(Convert.ToInt64(value.Value, CultureInfo.InvariantCulture));
                return true;
            case JValue { Type: JTokenType.Float } value:
                number = Convert.ToDouble(value.Value, CultureInfo.InvariantCulture);
                return true;
            default:
                return false;
        }
    }

    private static string Describe(JToken token) => $"{token.Type} {JsonGen.Write(token)}";
}
