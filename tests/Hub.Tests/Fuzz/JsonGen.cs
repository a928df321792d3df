using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>
/// Generators of JSON values with bounded depth and size: strings over the awkward parts of Unicode, integers of any
/// size, doubles at their edges. Every token is new, so no generated tree shares a node with another.
/// </summary>
internal static class JsonGen
{
    /// <summary>Containers nest at most this deep in <see cref="Value"/>; the depth properties build deeper ones themselves.</summary>
    public const int MaxTreeDepth = 4;

    private static readonly string[] _edgeIntegers =
    [
        "0", "1", "-1", "2147483647", "-2147483648", "2147483648", "-2147483649",
        "9007199254740991", "9007199254740993", "-9007199254740993",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "100000000000000000000", "1000000000000000000000",
    ];

    private static readonly double[] _edgeDoubles =
    [
        0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 2.2250738585072014E-308,
        2.2250738585072009E-308, 1e21, 9.999999999999999e20, 1e-6, 9.99999999999e-7, 1e-7, 1e20, 123456789012345680000.0,
        0.1, 0.2, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 9007199254740993.0, 4.35, 0.5, -0.5, 1.5, 100.0, 1e300, 1e-300,
        5e-324, 1.7976931348623157e308, 4.9406564584124654e-324, 1e16, 1e17, 123.456, -1e-7, 1e22, 1.0000000000000002,
    ];

    /// <summary>One piece of a string: a printable character, a control character, a character JSON or JavaScript treats specially, or a surrogate pair.</summary>
    private static Gen<string> Chunk => Gen.Frequency(
        (6, Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())),
        (2, Gen.Choose(0x00, 0x1F).Select(c => ((char)c).ToString())),
        (2, Gen.Elements("\"", "\\", "/", "\u007f", "\u0080", "\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff", "\ufffd", "\ufffe", "\uffff", "\0")),
        (2, Gen.Choose(0x80, 0xD7FF).Select(c => ((char)c).ToString())),
        (1, Gen.Choose(0xE000, 0xFFFF).Select(c => ((char)c).ToString())),
        (2, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)));

    /// <summary>A valid Unicode string (surrogates only in pairs) of up to 16 pieces.</summary>
    public static Gen<string> Text => Gen.Sized(size => Gen.Choose(0, Math.Min(size, 16)))
        .SelectMany(n => Gen.ListOf(Chunk, n))
        .Select(parts => string.Concat(parts));

    /// <summary>A JSON integer token, <c>-?(0|[1-9][0-9]*)</c>, never <c>-0</c>: small, at the edges of int and long, or past long.</summary>
    public static Gen<string> IntegerToken => Gen.Frequency(
        (4, Gen.Choose(-1000, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Elements(_edgeIntegers)),
        (2, RandomLong.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (3, BigIntegerToken(18, 60)));

    /// <summary>An integer token of <paramref name="minDigits"/> to <paramref name="maxDigits"/> digits, either sign.</summary>
    public static Gen<string> BigIntegerToken(int minDigits, int maxDigits) =>
        from negative in Gen.Elements(false, true)
        from first in Gen.Choose(1, 9)
        from rest in Gen.Choose(minDigits - 1, maxDigits - 1).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 9), n))
        select (negative ? "-" : string.Empty) + first.ToString(CultureInfo.InvariantCulture) + string.Concat(rest);

    /// <summary>Any finite double: edge values, values of few decimal digits at any scale, and random bit patterns.</summary>
    public static Gen<double> FiniteDouble => Gen.Frequency(
        (2, Gen.Elements(_edgeDoubles)),
        (3, from mantissa in Gen.Choose(-9_999_999, 9_999_999)
            from exponent in Gen.Choose(-330, 310)
            select double.Parse(mantissa.ToString(CultureInfo.InvariantCulture) + "e" + exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)),
        (3, RandomLong.Select(BitConverter.Int64BitsToDouble)))
        .Where(double.IsFinite);

    /// <summary>A JSON scalar as the strict parser would read it.</summary>
    public static Gen<JToken> Scalar => Gen.Frequency(
        (1, Gen.Constant(0).Select(_ => (JToken)JValue.CreateNull())),
        (1, Gen.Elements(true, false).Select(b => (JToken)new JValue(b))),
        (4, Text.Select(s => (JToken)new JValue(s))),
        (3, IntegerToken.Select(IntegerTokenValue)),
        (3, FiniteDouble.Select(d => (JToken)new JValue(d))));

    /// <summary>Any JSON value, containers nested up to <see cref="MaxTreeDepth"/> deep, a few dozen nodes at most.</summary>
    public static Gen<JToken> Value => Gen.Sized(size => Tree(Math.Clamp(size, 2, 40), MaxTreeDepth));

    /// <summary>An array or object (what <c>params</c> may be).</summary>
    public static Gen<JToken> Container => Gen.Sized(size => Gen.OneOf(
        ArrayOf(Math.Clamp(size, 2, 40), MaxTreeDepth),
        ObjectOf(Math.Clamp(size, 2, 40), MaxTreeDepth)));

    /// <summary>
    /// A value of depth exactly <paramref name="depth"/> in the README's count (a scalar 0, a container one more than
    /// its deepest member): a spine of arrays and objects with shallow siblings along it.
    /// </summary>
    public static Gen<JToken> OfDepth(int depth) => depth == 0
        ? Scalar
        : from leaf in Scalar
          from bottom in SpineLevel(Scalar)
          from levels in Gen.ListOf(SpineLevel(Tree(3, 1)), depth - 1)
          select levels.Prepend(bottom).Aggregate(leaf, (inner, level) => Spine(inner, level.IsArray, level.Siblings, level.Position));

    /// <summary>The token the parser makes of an integer token: a long where it fits, else the digits as <see cref="IntegerText"/>.</summary>
    public static JToken IntegerTokenValue(string token) =>
        long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small) ? new JValue(small) : new IntegerText(token);

    /// <summary>The protocol's text of a value (PROTOCOL.md section 2).</summary>
    public static string Write(JToken? token)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        JsonText.Write(output, token);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static Gen<long> RandomLong => Gen.ArrayOf(Gen.Choose(0, 255), 8)
        .Select(bytes => BitConverter.ToInt64(bytes.Select(b => (byte)b).ToArray()));

    private static Gen<JToken> Tree(int budget, int depth) => depth == 0 || budget <= 1
        ? Scalar
        : Gen.Frequency((3, Scalar), (1, ArrayOf(budget, depth)), (1, ObjectOf(budget, depth)));

    private static Gen<JToken> ArrayOf(int budget, int depth) =>
        Gen.Choose(0, Math.Min(budget, 5))
            .SelectMany(n => Gen.ListOf(Tree(budget / (n + 1), depth - 1), n))
            .Select(items => (JToken)new JArray(items.ToArray()));

    private static Gen<JToken> ObjectOf(int budget, int depth) =>
        Gen.Choose(0, Math.Min(budget, 5))
            .SelectMany(n => Gen.ListOf(Gen.Zip(Text, Tree(budget / (n + 1), depth - 1)), n))
            .Select(members =>
            {
                var obj = new JObject();
                foreach (var (name, value) in members.DistinctBy(m => m.Item1, StringComparer.Ordinal))
                {
                    obj.Add(name, value);
                }

                return (JToken)obj;
            });

    /// <summary>One level of a spine: array or object, and where the deeper member goes among a few siblings.</summary>
    private static Gen<(bool IsArray, List<JToken> Siblings, int Position)> SpineLevel(Gen<JToken> sibling) =>
        from isArray in Gen.Elements(true, false)
        from siblings in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, 2))).SelectMany(n => Gen.ListOf(sibling, n))
        from position in Gen.Choose(0, siblings.Count)
        select (isArray, siblings, position);

    private static JToken Spine(JToken inner, bool isArray, IList<JToken> siblings, int position)
    {
        var members = siblings.ToList();
        members.Insert(position, inner);
        if (isArray)
        {
            return new JArray(members.ToArray());
        }

        var obj = new JObject();
        for (var i = 0; i < members.Count; i++)
        {
            // Distinct names, so no member (and least of all the deep one) is replaced by a later one.
            obj.Add("k" + i.ToString(CultureInfo.InvariantCulture), members[i]);
        }

        return obj;
    }
}
