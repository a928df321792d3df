using System.Buffers;
using System.Numerics;
using System.Text;
using Hub.Protocol;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Protocol;

/// <summary>Strict reading and the exact output form of PROTOCOL.md section 2.</summary>
public sealed class JsonTextTests
{
    private const int MaxDepth = 64;

    [Theory]
    [InlineData("NaN")]
    [InlineData("[NaN]")]
    [InlineData("Infinity")]
    [InlineData("[-Infinity]")]
    [InlineData("{\"a\":1} // comment")]
    [InlineData("/* comment */ {\"a\":1}")]
    [InlineData("{\"a\":/* inside */1}")]
    [InlineData("[1,2,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{'a':1}")]
    [InlineData("['a']")]
    [InlineData("{a:1}")]
    [InlineData("\"a\u0001b\"")]
    [InlineData("\"tab\tinside\"")]
    [InlineData("\"line\nbreak\"")]
    [InlineData("\"nul\u0000\"")]
    [InlineData("{\"a\u001fb\":1}")]
    [InlineData("{} {}")]
    [InlineData("{\"a\":1}x")]
    [InlineData("1 2")]
    [InlineData("[1]]")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[1")]
    [InlineData("{\"a\"}")]
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData("0x10")]
    [InlineData("True")]
    [InlineData("undefined")]
    [InlineData("\"\\x41\"")]
    [InlineData("\"\\u12\"")]
    public void TryParse_text_that_is_not_strict_json_is_rejected(string text)
    {
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out var error);

        Assert.Null(root);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("EF BB BF 7B 7D")]
    [InlineData("EF BB BF 5B 31 5D")]
    [InlineData("22 FF 22")]
    [InlineData("22 80 22")]
    [InlineData("22 C3 22")]
    [InlineData("22 C0 AF 22")]
    [InlineData("22 E0 80 AF 22")]
    [InlineData("22 ED A0 80 22")]
    [InlineData("22 F4 90 80 80 22")]
    [InlineData("22 61 5C 6E FE 22")]
    [InlineData("7B 22 FF 22 3A 31 7D")]
    [InlineData("FF")]
    [InlineData("5B 31 5D FF")]
    public void TryParse_bytes_that_are_not_utf8_json_are_rejected(string hex)
    {
        var root = JsonText.TryParse(Hex(hex), MaxDepth, out var error);

        Assert.Null(root);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"a\\ud800b\"")]
    [InlineData("\"\\udc00\"")]
    [InlineData("\"\\udc00b\"")]
    [InlineData("\"\\udfff\\ud800\"")]
    [InlineData("\"\\ud800\\u0041\"")]
    [InlineData("\"\\ud800\\ud800\"")]
    [InlineData("{\"\\ud800\":1}")]
    public void TryParse_lone_surrogate_escape_is_rejected(string text)
    {
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out var error);

        Assert.Null(root);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1E400")]
    [InlineData("[1.8e308]")]
    [InlineData("{\"a\":123.5e99999}")]
    public void TryParse_number_that_overflows_a_double_is_rejected(string text)
    {
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out var error);

        Assert.Null(root);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void TryParse_number_that_underflows_reads_as_zero()
    {
        var root = JsonText.TryParse("1e-400"u8, MaxDepth, out _);

        Assert.NotNull(root);
        Assert.Equal(JTokenType.Float, root.Type);
        Assert.Equal("0", Write(root));
    }

    [Theory]
    [InlineData("123456789012345678901234567890")]
    [InlineData("-123456789012345678901234567890")]
    [InlineData("9007199254740993")]
    [InlineData("-9007199254740993")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("18446744073709551616")]
    [InlineData("0")]
    [InlineData("-7")]
    public void TryParse_integer_token_is_written_back_exactly(string text)
    {
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out _);

        Assert.NotNull(root);
        Assert.True(root is IntegerText || root.Type == JTokenType.Integer);
        Assert.Equal(text, Write(root));
    }

    [Fact]
    public void TryParse_integer_token_beyond_long_keeps_its_digits()
    {
        var root = JsonText.TryParse("-123456789012345678901234567890"u8, MaxDepth, out _);

        var value = Assert.IsType<IntegerText>(root);
        Assert.Equal("-123456789012345678901234567890", value.Digits);
    }

    [Fact]
    public void Integer_of_half_a_million_digits_round_trips_exactly()
    {
        var digits = "9" + new string('8', 500_000);

        var root = JsonText.TryParse(System.Text.Encoding.ASCII.GetBytes(digits), MaxDepth, out _);

        Assert.Equal(digits, Write(root));
    }

    [Fact]
    public void TryParse_integer_negative_zero_is_written_as_0()
    {
        var root = JsonText.TryParse("-0"u8, MaxDepth, out _);

        Assert.NotNull(root);
        Assert.Equal("0", Write(root));
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("1e2", "100")]
    [InlineData("1E2", "100")]
    [InlineData("0.5", "0.5")]
    [InlineData("-0.0", "0")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("1e-6", "0.000001")]
    [InlineData("123e-20", "1.23e-18")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("1.2345678901234568e20", "123456789012345680000")]
    [InlineData("9007199254740993.0", "9007199254740992")]
    [InlineData("-2.50", "-2.5")]
    public void TryParse_number_with_fraction_or_exponent_is_a_double_in_ecmascript_form(string text, string expected)
    {
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out _);

        Assert.NotNull(root);
        Assert.Equal(JTokenType.Float, root.Type);
        Assert.Equal(expected, Write(root));
    }

    [Fact]
    public void TryParse_echo_of_one_point_zero_1e2_and_half_writes_1_100_and_half()
    {
        var root = JsonText.TryParse("[1.0, 1e2, 0.5]"u8, MaxDepth, out _);

        Assert.Equal("[1,100,0.5]", Write(root));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(63)]
    [InlineData(64)]
    public void TryParse_nested_arrays_up_to_depth_64_are_accepted(int depth)
    {
        var text = NestedArrays(depth);

        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out var error);

        Assert.NotNull(root);
        Assert.Null(error);
        Assert.Equal(text, Write(root));
    }

    [Theory]
    [InlineData(65)]
    [InlineData(66)]
    [InlineData(1000)]
    public void TryParse_nested_arrays_deeper_than_64_are_rejected(int depth)
    {
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(NestedArrays(depth)), MaxDepth, out var error);

        Assert.Null(root);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void TryParse_nested_objects_of_depth_64_are_accepted()
    {
        var text = NestedObjects(64);

        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out _);

        Assert.NotNull(root);
        Assert.Equal(text, Write(root));
    }

    [Fact]
    public void TryParse_nested_objects_of_depth_65_are_rejected()
    {
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(NestedObjects(65)), MaxDepth, out var error);

        Assert.Null(root);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void TryParse_depth_counts_the_deepest_branch_not_the_total()
    {
        var wide = "[" + string.Join(",", Enumerable.Repeat(NestedArrays(63), 10)) + "]";

        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(wide), MaxDepth, out _);

        Assert.NotNull(root);
    }

    [Fact]
    public void TryParse_scalar_has_depth_0_so_max_depth_1_accepts_a_flat_array()
    {
        var flat = JsonText.TryParse("[1,\"a\",null]"u8, 1, out _);
        var nested = JsonText.TryParse("[[]]"u8, 1, out _);

        Assert.NotNull(flat);
        Assert.Null(nested);
    }

    [Fact]
    public void TryParse_repeated_member_keeps_last_value_at_first_position()
    {
        var root = JsonText.TryParse("{\"a\":1,\"b\":2,\"a\":3}"u8, MaxDepth, out _);

        Assert.Equal("{\"a\":3,\"b\":2}", Write(root));
    }

    [Fact]
    public void TryParse_repeated_member_may_change_type()
    {
        var root = JsonText.TryParse("{\"a\":[1],\"b\":true,\"a\":{\"x\":null}}"u8, MaxDepth, out _);

        Assert.Equal("{\"a\":{\"x\":null},\"b\":true}", Write(root));
    }

    [Theory]
    [InlineData("{\"a\":1e-300,\"b\":2,\"a\":-1e-300}", "{\"a\":-1e-300,\"b\":2}")]
    [InlineData("{\"a\":0.5,\"a\":0.5000000000000001}", "{\"a\":0.5000000000000001}")]
    [InlineData("{\"a\":1.5,\"a\":1.5}", "{\"a\":1.5}")]
    [InlineData("{\"a\":100000000000000000000001,\"a\":100000000000000000000002}", "{\"a\":100000000000000000000002}")]
    public void TryParse_repeated_member_keeps_the_last_double_even_when_nearly_equal_to_the_first(string text, string expected)
    {
        // Newtonsoft's JValue equality compares doubles approximately; assigning through obj[name] kept the first.
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out _);

        Assert.Equal(expected, Write(root));
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":1.0}", JTokenType.Float)]
    [InlineData("{\"a\":1.0,\"a\":1}", JTokenType.Integer)]
    [InlineData("{\"a\":\"1\",\"a\":1}", JTokenType.Integer)]
    public void TryParse_repeated_member_keeps_the_last_token_even_when_equal_to_the_first(string text, JTokenType expected)
    {
        // Newtonsoft deems 1 and 1.0 equal values: an assignment it skipped would keep the first token's type.
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out _);

        Assert.Equal(expected, root!["a"]!.Type);
    }

    [Fact]
    public void TryParse_last_member_repeated_many_times_keeps_its_last_value_at_its_first_position()
    {
        // The shape of the corpus entry "params object of 40,000 member names, the last repeated 40,000 times", smaller.
        var members = Enumerable.Range(0, 1_000).Select(i => $"\"k{i}\":{i}")
            .Concat(Enumerable.Range(0, 1_000).Select(i => $"\"k999\":{1_000 + i}"));
        var text = "{" + string.Join(",", members) + "}";

        var root = Assert.IsType<JObject>(JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out _));

        Assert.Equal(1_000, root.Count);
        Assert.Equal("k999", root.Properties().Last().Name);
        Assert.Equal(1_999, (int)root["k999"]!);
        Assert.Equal(998, (int)root["k998"]!);
    }

    [Fact]
    public void TryParse_member_names_are_case_sensitive()
    {
        var root = JsonText.TryParse("{\"a\":1,\"A\":2}"u8, MaxDepth, out _);

        Assert.Equal("{\"a\":1,\"A\":2}", Write(root));
    }

    [Fact]
    public void TryParse_member_order_is_kept()
    {
        var text = "{\"zeta\":1,\"alpha\":[2],\"mid\":{\"y\":null,\"x\":\"x\"}}";

        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out _);

        Assert.Equal(text, Write(root));
    }

    [Fact]
    public void TryParse_insignificant_white_space_is_allowed_and_dropped()
    {
        var root = JsonText.TryParse(" \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } }\r\n "u8, MaxDepth, out _);

        Assert.Equal("{\"a\":[1,2],\"b\":{}}", Write(root));
    }

    [Theory]
    [InlineData("\"caf\\u00e9\"", "café")]
    [InlineData("\"\\u65e5\\u672c\"", "日本")]
    [InlineData("\"\\ud83d\\ude00\"", "😀")]
    [InlineData("\"\\uD83D\\uDE00\"", "😀")]
    [InlineData("\"\\/\"", "/")]
    [InlineData("\"\\u007f\"", "\u007f")]
    [InlineData("\"\\u0000\"", "\u0000")]
    public void TryParse_escapes_decode_to_their_characters(string text, string expected)
    {
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out _);

        var value = Assert.IsType<JValue>(root);
        Assert.Equal(JTokenType.String, value.Type);
        Assert.Equal(expected, (string?)value);
    }

    [Fact]
    public void TryParse_raw_multibyte_utf8_is_read()
    {
        var root = JsonText.TryParse(Hex("22 68 C3 A9 E6 97 A5 F0 9F 98 80 7F 22"), MaxDepth, out _);

        Assert.Equal("hé日😀\u007f", (string?)root);
    }

    [Fact]
    public void TryParse_string_that_looks_like_a_date_stays_a_string()
    {
        var root = JsonText.TryParse("\"2026-11-24T14:57:38.123Z\""u8, MaxDepth, out _);

        Assert.NotNull(root);
        Assert.Equal(JTokenType.String, root.Type);
        Assert.Equal("\"2026-11-24T14:57:38.123Z\"", Write(root));
    }

    [Theory]
    [InlineData("null", JTokenType.Null)]
    [InlineData("true", JTokenType.Boolean)]
    [InlineData("false", JTokenType.Boolean)]
    [InlineData("\"\"", JTokenType.String)]
    [InlineData("{}", JTokenType.Object)]
    [InlineData("[]", JTokenType.Array)]
    public void TryParse_every_kind_of_value_reads_and_writes_back(string text, JTokenType type)
    {
        var root = JsonText.TryParse(Encoding.UTF8.GetBytes(text), MaxDepth, out var error);

        Assert.NotNull(root);
        Assert.Null(error);
        Assert.Equal(type, root.Type);
        Assert.Equal(text, Write(root));
    }

    [Theory]
    [InlineData("\"", "\\\"")]
    [InlineData("\\", "\\\\")]
    [InlineData("\b", "\\b")]
    [InlineData("\f", "\\f")]
    [InlineData("\n", "\\n")]
    [InlineData("\r", "\\r")]
    [InlineData("\t", "\\t")]
    [InlineData("\u0000", "\\u0000")]
    [InlineData("\u0001", "\\u0001")]
    [InlineData("\u000b", "\\u000b")]
    [InlineData("\u000e", "\\u000e")]
    [InlineData("\u001b", "\\u001b")]
    [InlineData("\u001f", "\\u001f")]
    [InlineData("\u0085", "\\u0085")]
    [InlineData("\u2028", "\\u2028")]
    [InlineData("\u2029", "\\u2029")]
    [InlineData("a\"b\\c\nd", "a\\\"b\\\\c\\nd")]
    public void WriteString_escapes_minimally(string value, string expectedInside)
    {
        var written = WriteString(value);

        Assert.Equal("\"" + expectedInside + "\"", written);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("\u007f")]
    [InlineData("\u0080")]
    [InlineData("\u0084")]
    [InlineData("\u0086")]
    [InlineData("\u009f")]
    [InlineData("\u00a0")]
    [InlineData("\u2027")]
    [InlineData("\u202a")]
    [InlineData("\ufeff")]
    [InlineData("\uffff")]
    [InlineData("héllo")]
    [InlineData("日本語")]
    [InlineData("ß€")]
    [InlineData("<script>&'")]
    [InlineData("")]
    public void WriteString_other_characters_are_written_as_themselves(string value)
    {
        var written = WriteString(value);

        Assert.Equal("\"" + value + "\"", written);
    }

    [Fact]
    public void WriteString_control_characters_never_appear_raw()
    {
        var all = new string(Enumerable.Range(0, 0x20).Select(c => (char)c).ToArray());

        var bytes = WriteStringBytes(all);

        Assert.DoesNotContain(bytes, b => b < 0x20);
        Assert.Equal(
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
            + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"",
            Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void WriteString_delete_character_is_the_raw_byte_7f()
    {
        var bytes = WriteStringBytes("a\u007fb");

        Assert.Equal(Hex("22 61 7F 62 22"), bytes);
    }

    [Fact]
    public void WriteString_surrogate_pair_is_raw_four_byte_utf8()
    {
        var bytes = WriteStringBytes("😀");

        Assert.Equal(Hex("22 F0 9F 98 80 22"), bytes);
    }

    [Fact]
    public void WriteString_non_ascii_is_raw_utf8()
    {
        var bytes = WriteStringBytes("é\u00a0\u2028");

        Assert.Equal(Hex("22 C3 A9 C2 A0 5C 75 32 30 32 38 22"), bytes);
    }

    // The strings are given as UTF-16 code units: xUnit's test-case serialization would turn a lone
    // surrogate in InlineData into U+FFFD.
    [Theory]
    [InlineData("D800")]
    [InlineData("0061 D800")]
    [InlineData("D800 0061")]
    [InlineData("DC00")]
    [InlineData("0061 DFFF 0062")]
    [InlineData("DC00 D800")]
    [InlineData("D800 D800")]
    [InlineData("D83D DE00 DE00")]
    public void WriteString_lone_surrogate_throws(string codeUnits)
    {
        var value = Utf16(codeUnits);

        Assert.Throws<JsonWriteException>(() => WriteString(value));
    }

    [Fact]
    public void Write_null_token_is_json_null()
    {
        var written = Write(null);

        Assert.Equal("null", written);
    }

    [Fact]
    public void Write_tree_is_compact_and_keeps_member_order()
    {
        var token = new JObject
        {
            ["z"] = new JArray(1, 2.5, "x", true, false, JValue.CreateNull()),
            ["a"] = new JObject { ["nested"] = new JArray() },
            ["m"] = new JObject(),
        };

        var written = Write(token);

        Assert.Equal("{\"z\":[1,2.5,\"x\",true,false,null],\"a\":{\"nested\":[]},\"m\":{}}", written);
    }

    [Fact]
    public void Write_member_names_are_escaped_like_strings()
    {
        var token = new JObject { ["a\"\n\u2028é"] = 1 };

        var written = Write(token);

        Assert.Equal("{\"a\\\"\\n\\u2028é\":1}", written);
    }

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(100.0, "100")]
    [InlineData(-0.0, "0")]
    [InlineData(1e21, "1e+21")]
    [InlineData(0.1, "0.1")]
    public void Write_double_value_uses_ecmascript_form(double value, string expected)
    {
        var written = Write(new JValue(value));

        Assert.Equal(expected, written);
    }

    [Fact]
    public void Write_float_and_decimal_values_use_ecmascript_form()
    {
        var token = new JArray(new JValue(0.1f), new JValue(2.50m), new JValue(3.0m));

        var written = Write(token);

        Assert.Equal("[0.1,2.5,3]", written);
    }

    [Theory]
    [InlineData("12345678901234567890.123", "12345678901234567890.123")]
    [InlineData("0.10000000000000000000000001", "0.10000000000000000000000001")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("-1.50", "-1.5")]
    public void Write_decimal_a_double_cannot_hold_keeps_its_digits(string text, string expected)
    {
        // Issue 15: a decimal in a client's params was written through a double, losing digits past the 17th.
        var written = Write(new JValue(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expected, written);
    }

    [Theory]
    [InlineData(long.MaxValue, "9223372036854775807")]
    [InlineData(long.MinValue, "-9223372036854775808")]
    [InlineData(0L, "0")]
    public void Write_integer_value_is_exact(long value, string expected)
    {
        var written = Write(new JValue(value));

        Assert.Equal(expected, written);
    }

    [Fact]
    public void Write_big_integer_value_is_exact()
    {
        var big = BigInteger.Pow(10, 40) + 1;

        var written = Write(new JValue(big));

        Assert.Equal("10000000000000000000000000000000000000001", written);
    }

    [Fact]
    public void Write_null_string_member_is_json_null()
    {
        string? missing = null;
        var token = new JObject { ["name"] = missing, ["other"] = JValue.CreateString(null) };

        var written = Write(token);

        Assert.Equal("{\"name\":null,\"other\":null}", written);
    }

    [Fact]
    public void Write_char_value_is_a_one_character_string()
    {
        var token = new JArray(new JValue('c'), new JValue('"'));

        var written = Write(token);

        Assert.Equal("[\"c\",\"\\\"\"]", written);
    }

    [Fact]
    public void Write_enum_value_is_its_number()
    {
        var token = new JArray(new JValue((object)DayOfWeek.Monday), new JValue((object)UInt64Flags.High));

        var written = Write(token);

        Assert.Equal("[1,18446744073709551615]", written);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Write_non_finite_double_throws(double value)
    {
        Assert.Throws<JsonWriteException>(() => Write(new JArray(new JValue(value))));
    }

    [Fact]
    public void Write_string_with_lone_surrogate_throws()
    {
        Assert.Throws<JsonWriteException>(() => Write(new JObject { ["a"] = "x\ud800" }));
    }

#pragma warning disable CA1028 // The ulong underlying type is the point: its largest value is past long.
    private enum UInt64Flags : ulong
    {
        High = ulong.MaxValue,
    }
#pragma warning restore CA1028

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    private static string Utf16(string codeUnits) =>
        new(codeUnits.Split(' ').Select(u => (char)Convert.ToUInt16(u, 16)).ToArray());

    private static string NestedArrays(int depth) => new string('[', depth) + new string(']', depth);

    private static string NestedObjects(int depth) =>
        string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);

    private static string Write(JToken? token)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonText.Write(output, token);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string WriteString(string value) => Encoding.UTF8.GetString(WriteStringBytes(value));

    private static byte[] WriteStringBytes(string value)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonText.WriteString(output, value);
        return output.WrittenSpan.ToArray();
    }
}
