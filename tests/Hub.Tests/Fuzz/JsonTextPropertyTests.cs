using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>
/// The value codec against generated values: what it writes it reads back as the same value and writes again as the
/// same bytes; any valid spelling of a value reads back to the canonical bytes; strings and numbers take exactly the
/// forms of PROTOCOL.md section 2.
/// </summary>
public sealed partial class JsonTextPropertyTests
{
    [Property(MaxTest = 500)]
    public Property Write_then_parse_gives_an_equal_value_and_writing_again_gives_the_same_bytes() =>
        Prop.ForAll(JsonGen.Value.Select(v => new ValueCase(v, 0)).ToArbitrary(), c =>
        {
            var written = Encoding.UTF8.GetBytes(JsonGen.Write(c.Value));

            var parsed = JsonText.TryParse(written, FrameAssert.MaxDepth, out var error);

            Assert.True(parsed is not null, $"its own output is refused: {error}");
            Assert.Null(JsonEquivalence.Difference(c.Value, parsed));
            Assert.Equal(FuzzBytes.Printable(written), FuzzBytes.Printable(Encoding.UTF8.GetBytes(JsonGen.Write(parsed))));
        });

    [Property]
    public Property Written_value_is_read_by_an_independent_strict_reader_as_the_same_value() =>
        Prop.ForAll(JsonGen.Value.Select(v => new ValueCase(v, 0)).ToArbitrary(), c =>
        {
            var written = Encoding.UTF8.GetBytes(JsonGen.Write(c.Value));

            using var document = JsonDocument.Parse(written);

            AssertSame(c.Value, document.RootElement);
        });

    [Property(MaxTest = 300)]
    public Property Any_valid_spelling_of_a_value_reads_back_to_the_canonical_bytes() =>
        Prop.ForAll(Gen.Zip(JsonGen.Value, Gen.Choose(0, int.MaxValue - 1)).Select(p => new ValueCase(p.Item1, p.Item2)).ToArbitrary(), c =>
        {
            var noisy = NoisyJson.Write(c.Value, c.Seed);

            var parsed = JsonText.TryParse(Encoding.UTF8.GetBytes(noisy), FrameAssert.MaxDepth, out var error);

            Assert.True(parsed is not null, $"refused ({error}): {noisy}");
            Assert.Equal(JsonGen.Write(c.Value), JsonGen.Write(parsed));
        });

    [Property(MaxTest = 500)]
    public Property String_is_written_with_minimal_escaping_and_reads_back_the_same() =>
        Prop.ForAll(JsonGen.Text.Select(s => new ValueCase(new JValue(s), 0)).ToArbitrary(), c =>
        {
            var text = (string)c.Value!;

            var written = JsonGen.Write(c.Value);

            Assert.Matches(MinimallyEscapedString(), written);
            Assert.DoesNotContain(written, ch => ch is < ' ' or '\u0085' or '\u2028' or '\u2029');
            Assert.Equal(text, (string?)JsonText.TryParse(Encoding.UTF8.GetBytes(written), 1, out _));
        });

    [Property(MaxTest = 1000)]
    public Property EcmaNumber_Format_reads_back_as_the_same_double() =>
        Prop.ForAll(JsonGen.FiniteDouble.Select(d => new DoubleCase(d)).ToArbitrary(), c =>
        {
            var text = EcmaNumber.Format(c.Value);

            Assert.Matches(JsonNumber(), text);
            Assert.Equal(c.Value == 0 ? 0 : c.Value, double.Parse(text, CultureInfo.InvariantCulture));
        });

    [Property(MaxTest = 500)]
    public Property EcmaNumber_Format_uses_plain_digits_from_1e_minus_6_to_1e21_and_a_signed_lowercase_exponent_outside() =>
        Prop.ForAll(JsonGen.FiniteDouble.Select(d => new DoubleCase(d)).ToArbitrary(), c =>
        {
            var text = EcmaNumber.Format(c.Value);
            var magnitude = Math.Abs(c.Value);

            Assert.DoesNotContain("E", text, StringComparison.Ordinal);
            Assert.Equal(text.Count(ch => ch == '+'), CountOf(text, "e+"));
            Assert.Equal(magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21), text.Contains('e', StringComparison.Ordinal));
            if (magnitude < 1e21 && Math.Floor(magnitude) == magnitude)
            {
                Assert.Matches(IntegerLiteral(), text);
            }

            // Shortest: no more significant digits than .NET's round-trip form, which is the shortest that reads back.
            Assert.Equal(SignificantDigits(c.Value.ToString("R", CultureInfo.InvariantCulture)), SignificantDigits(text));
        });

    private static void AssertSame(JToken expected, JsonElement actual)
    {
        switch (expected)
        {
            case JObject obj:
                Assert.Equal(JsonValueKind.Object, actual.ValueKind);
                Assert.Equal(obj.Properties().Select(p => p.Name), actual.EnumerateObject().Select(p => p.Name));
                foreach (var (property, element) in obj.Properties().Zip(actual.EnumerateObject()))
                {
                    AssertSame(property.Value, element.Value);
                }

                break;
            case JArray array:
                Assert.Equal(JsonValueKind.Array, actual.ValueKind);
                Assert.Equal(array.Count, actual.GetArrayLength());
                foreach (var (item, element) in array.Zip(actual.EnumerateArray()))
                {
                    AssertSame(item, element);
                }

                break;
            case JValue { Type: JTokenType.String } value:
                Assert.Equal((string?)value, actual.GetString());
                break;
            case JValue { Type: JTokenType.Boolean } value:
                Assert.Equal((bool)value, actual.GetBoolean());
                break;
            case JValue { Type: JTokenType.Null }:
                Assert.Equal(JsonValueKind.Null, actual.ValueKind);
                break;
            default:
                // A number: the independent reader's text must read as the same value.
                Assert.Equal(JsonValueKind.Number, actual.ValueKind);
                Assert.Null(JsonEquivalence.Difference(expected, JsonText.TryParse(Encoding.UTF8.GetBytes(actual.GetRawText()), 1, out _)));
                break;
        }
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    private static string SignificantDigits(string number)
    {
        var mantissa = number.Split('e', 'E')[0].Replace("-", string.Empty, StringComparison.Ordinal).Replace(".", string.Empty, StringComparison.Ordinal);
        return mantissa.Trim('0');
    }

    /// <summary>Quote, then characters that need no escape or the escapes PROTOCOL.md section 2 uses, then quote.</summary>
    [GeneratedRegex(@"\A""(?:[^""\\\x00-\x1F\u0085\u2028\u2029]|\\[""\\bfnrt]|\\u00(?:0[0-7]|0b|0e|0f|1[0-9a-f])|\\u0085|\\u2028|\\u2029)*""\z")]
    private static partial Regex MinimallyEscapedString();

    [GeneratedRegex(@"\A-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?(?:e[+-][1-9][0-9]*)?\z")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"\A-?(?:0|[1-9][0-9]*)\z")]
    private static partial Regex IntegerLiteral();
}
