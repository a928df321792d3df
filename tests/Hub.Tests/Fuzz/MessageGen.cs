using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>
/// Generators of frames: valid requests, notifications and batches whose outcome is known, request-like objects
/// with any mix of members, mutations of valid frames, and plain byte strings.
/// </summary>
internal static class MessageGen
{
    private static readonly string[] _reserved = ["jsonrpc", "method", "params", "id", "result", "error"];

    private static readonly byte[][] _fragments =
    [
        .. new[]
        {
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\"jsonrpc\"", "\"2.0\"", "\"method\"", "\"id\"", "\"params\"",
            "\"result\"", "\"error\"", "\"ping\"", "null", "true", "false", "nul", "1", "-0", "01", "1e400", "-1e400",
            "0.5", "1.", ".5", "+1", "1e", "99999999999999999999999", " ", "\t", "\n", "\r", "\\u", "d800", "\\ud800",
            "\\udc00", "\\ud83d\\ude00", "\\u0000", "\\n", "NaN", "Infinity", "'", "//", "/*", "*/",
        }.Select(Encoding.UTF8.GetBytes),
        [0x00], [0x0B], [0x0C], [0x7F], [0xC2, 0xA0], [0xC0, 0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xEF, 0xBB, 0xBF], [0xE2, 0x82], [0xE2, 0x80, 0xA8], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x80],
    ];

    private static readonly byte[] _interestingBytes =
        [.. "{}[]\",:\\0-+.eEnu tr\n\t"u8, 0x00, 0x0B, 0x1F, 0x7F, 0x80, 0xA0, 0xBF, 0xC0, 0xC2, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xFF];

    /// <summary>Any bytes, up to 64.</summary>
    public static Gen<FuzzBytes> RandomBytes => Gen.Sized(size => Gen.Choose(0, Math.Min(size, 64)))
        .SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255), n))
        .Select(values => new FuzzBytes("random bytes", [.. values.Select(v => (byte)v)]));

    /// <summary>Up to 40 fragments of JSON and of broken JSON, joined.</summary>
    public static Gen<FuzzBytes> Fragments => Gen.Sized(size => Gen.Choose(0, Math.Min(size, 40)))
        .SelectMany(n => Gen.ListOf(Gen.Elements(_fragments), n))
        .Select(parts => new FuzzBytes("fragments", [.. parts.SelectMany(p => p)]));

    /// <summary>A valid frame whose outcome is known: a request, a notification, or a batch of them.</summary>
    public static Gen<GeneratedFrame> ValidFrame => Gen.Frequency(
        (3, ValidMessage.Select(m => new GeneratedFrame(m.Text, [m], IsBatch: false))),
        (1, Gen.Choose(1, 5).SelectMany(n => Gen.ListOf(ValidMessage, n)).SelectMany(messages =>
            Whitespace.Select(ws => new GeneratedFrame(
                "[" + ws + string.Join("," + ws, messages.Select(m => m.Text)) + ws + "]", [.. messages], IsBatch: true)))));

    /// <summary>A valid request (with an id) or notification (without), members in any order, with unknown members and white space.</summary>
    public static Gen<GeneratedMessage> ValidMessage =>
        from method in JsonGen.Text
        from parameters in Gen.Frequency((1, Gen.Constant<JToken?>(null)), (3, JsonGen.Container.Select(c => (JToken?)c)))
        from id in Gen.Frequency((3, ValidId.Select(i => (IdCase?)i)), (1, Gen.Constant<IdCase?>(null)))
        from extras in Gen.Choose(0, 2).SelectMany(n => Gen.ListOf(ExtraMember, n))
        from order in Gen.Choose(0, 1000)
        from ws in Whitespace
        select Build(method, parameters, id, extras, order, ws);

    /// <summary>An id the specification allows, with the exact text its reply must carry.</summary>
    public static Gen<IdCase> ValidId => Gen.Frequency(
        (1, Gen.Constant(new IdCase("null", "null"))),
        (3, JsonGen.Text.Select(s => new IdCase(JsonGen.Write(new JValue(s)), JsonGen.Write(new JValue(s))))),
        (3, JsonGen.IntegerToken.Select(t => new IdCase(t, t))),
        (1, JsonGen.BigIntegerToken(100, 400).Select(t => new IdCase(t, t))),
        (2, JsonGen.FiniteDouble.Select(d => new IdCase(EcmaNumber.Format(d), EcmaNumber.Format(d)))),
        (1, JsonGen.FiniteDouble.Select(d => NumberId(d.ToString("R", CultureInfo.InvariantCulture)))),
        (1, JsonGen.FiniteDouble.Select(d => NumberId(d.ToString("E16", CultureInfo.InvariantCulture)))));

    /// <summary>A frame holding one request-like object, or a batch of up to 4, with the outcome <see cref="ProtocolModel"/> gives.</summary>
    public static Gen<ModelFrame> RequestLikeFrame => Gen.Frequency(
        (3, RequestLikeObject.Select(o => new ModelFrame(o.Text, [o.Expected], IsBatch: false))),
        (1, Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(Gen.Frequency((6, RequestLikeObject), (1, NonObjectEntry)), n))
            .Select(entries => new ModelFrame(
                "[" + string.Join(",", entries.Select(e => e.Text)) + "]", [.. entries.Select(e => e.Expected)], IsBatch: true))));

    /// <summary>A valid frame with one to four bytes deleted, inserted, replaced, flipped, duplicated, or cut off.</summary>
    public static Gen<FuzzBytes> Mutated =>
        from frame in ValidFrame
        from mutations in Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(Mutation, n))
        select Apply(frame, mutations);

    /// <summary>Every kind of input above.</summary>
    public static Gen<FuzzBytes> AnyInput => Gen.OneOf(
        RandomBytes,
        Fragments,
        Mutated,
        ValidFrame.Select(f => new FuzzBytes("valid frame", f.Bytes)),
        RequestLikeFrame.Select(f => new FuzzBytes("request-like frame", f.Bytes)));

    private static Gen<string> Whitespace => Gen.Frequency(
        (3, Gen.Constant(string.Empty)),
        (1, Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(Gen.Elements(" ", "\t", "\n", "\r\n"), n)).Select(p => string.Concat(p))));

    private static Gen<(string Name, string Value)> ExtraMember =>
        from name in JsonGen.Text.Where(n => !_reserved.Contains(n, StringComparer.Ordinal))
        from value in JsonGen.Value
        select (JsonGen.Write(new JValue(name)), JsonGen.Write(value));

    private static Gen<(int Kind, int Position, byte Value)> Mutation =>
        from kind in Gen.Choose(0, 5)
        from position in Gen.Choose(0, 1_000_000)
        from value in Gen.Frequency((2, Gen.Elements(_interestingBytes)), (1, Gen.Choose(0, 255).Select(b => (byte)b)))
        select (kind, position, value);

    private static Gen<MemberValue> AnyMemberValue => Gen.Frequency(
        (2, Gen.Constant(new MemberValue("\"2.0\"", ValueClass.VersionString, "\"2.0\""))),
        (3, JsonGen.Text.Select(s => new MemberValue(
            JsonGen.Write(new JValue(s)), s == "2.0" ? ValueClass.VersionString : ValueClass.String, JsonGen.Write(new JValue(s))))),
        (2, ValidId.Where(i => i.Token != "null" && !i.Token.StartsWith('"')).Select(i => new MemberValue(i.Token, ValueClass.Number, i.Echo))),
        (1, Gen.Constant(new MemberValue("null", ValueClass.Null, "null"))),
        (1, Gen.Elements("true", "false").Select(b => new MemberValue(b, ValueClass.Boolean, "null"))),
        (1, JsonGen.Value.Select(v => new MemberValue(JsonGen.Write(v), Classify(v), EchoOf(v)))),
        (2, JsonGen.Container.Select(v => new MemberValue(JsonGen.Write(v), Classify(v), "null"))));

    private static Gen<MemberValue> VersionValue => Gen.Frequency(
        (8, Gen.Constant(new MemberValue("\"2.0\"", ValueClass.VersionString, "\"2.0\""))),
        (1, Gen.Elements("\"2\"", "\"1.0\"", "\"2.0 \"", "\" 2.0\"", "\"2.00\"", "\"\\u0032.0\"")
            .Select(t => new MemberValue(t, t == "\"\\u0032.0\"" ? ValueClass.VersionString : ValueClass.String, "null"))),
        (1, AnyMemberValue));

    private static Gen<MemberValue> MethodValue => Gen.Frequency(
        (6, JsonGen.Text.Select(s => new MemberValue(
            JsonGen.Write(new JValue(s)), s == "2.0" ? ValueClass.VersionString : ValueClass.String, JsonGen.Write(new JValue(s))))),
        (1, AnyMemberValue));

    private static Gen<MemberValue> ParamsValue => Gen.Frequency(
        (5, JsonGen.Container.Select(v => new MemberValue(JsonGen.Write(v), Classify(v), "null"))),
        (2, AnyMemberValue));

    private static Gen<MemberValue> IdValue => Gen.Frequency(
        (6, ValidId.Select(i => new MemberValue(i.Token, IdClass(i.Token), i.Echo))),
        (1, AnyMemberValue));

    private static Gen<(string Name, MemberValue Value)> Member(string name, Gen<MemberValue> values) =>
        values.Select(v => (name, v));

    private static Gen<(string Text, ExpectedEntry Expected)> RequestLikeObject =>
        from jsonrpc in Optional(9, Member("jsonrpc", VersionValue))
        from method in Optional(8, Member("method", MethodValue))
        from parameters in Optional(5, Member("params", ParamsValue))
        from id in Optional(7, Member("id", IdValue))
        from result in Optional(1, Member("result", AnyMemberValue))
        from error in Optional(1, Member("error", AnyMemberValue))
        from other in Optional(2, JsonGen.Text.Where(n => !_reserved.Contains(n, StringComparer.Ordinal))
            .SelectMany(n => Member(n, AnyMemberValue)))
        from duplicates in Gen.Choose(0, 2).SelectMany(n => Gen.ListOf(
            Gen.Elements(_reserved).SelectMany(n => Member(n, n == "id" ? IdValue : AnyMemberValue)), n))
        from keys in Gen.ListOf(Gen.Choose(0, 1000), 16)
        select BuildRequestLike([.. new[] { jsonrpc, method, parameters, id, result, error, other }.OfType<(string, MemberValue)>(), .. duplicates], keys);

    private static Gen<(string Text, ExpectedEntry Expected)> NonObjectEntry =>
        JsonGen.Value.Where(v => v is not JObject).Select(v => (JsonGen.Write(v), new ExpectedEntry(EntryKind.Invalid, "null")));

    private static Gen<(string Name, MemberValue Value)?> Optional(int tenths, Gen<(string Name, MemberValue Value)> member) =>
        Gen.Frequency((tenths, member.Select(m => ((string, MemberValue)?)m)), (10 - tenths, Gen.Constant<(string, MemberValue)?>(null)));

    private static (string Text, ExpectedEntry Expected) BuildRequestLike(List<(string Name, MemberValue Value)> members, List<int> keys)
    {
        // Shuffle by generated keys: the order is part of the case, so a failure replays with the same text.
        var ordered = members.Select((m, i) => (m, key: keys[i % keys.Count] * 16 + i)).OrderBy(p => p.key).Select(p => p.m).ToList();
        var text = "{" + string.Join(",", ordered.Select(m => JsonGen.Write(new JValue(m.Name)) + ":" + m.Value.Text)) + "}";
        return (text, ProtocolModel.Classify(ordered));
    }

    private static GeneratedMessage Build(string method, JToken? parameters, IdCase? id, IList<(string Name, string Value)> extras, int order, string ws)
    {
        var members = new List<string> { "\"jsonrpc\":" + ws + "\"2.0\"", "\"method\":" + ws + JsonGen.Write(new JValue(method)) };
        if (parameters is not null)
        {
            members.Add("\"params\":" + ws + JsonGen.Write(parameters));
        }

        if (id is not null)
        {
            members.Add("\"id\":" + ws + id.Token);
        }

        members.AddRange(extras.Select(e => e.Name + ":" + ws + e.Value));
        var rotated = members.Skip(order % members.Count).Concat(members.Take(order % members.Count));
        var text = "{" + ws + string.Join(ws + "," + ws, rotated) + ws + "}";
        return new GeneratedMessage(text, id?.Echo, method, parameters);
    }

    private static FuzzBytes Apply(GeneratedFrame frame, IList<(int Kind, int Position, byte Value)> mutations)
    {
        var bytes = frame.Bytes.ToList();
        foreach (var (kind, position, value) in mutations)
        {
            var at = bytes.Count == 0 ? 0 : position % bytes.Count;
            switch (kind)
            {
                case 0 when bytes.Count > 0:
                    bytes.RemoveAt(at);
                    break;
                case 1:
                    bytes.Insert(at, value);
                    break;
                case 2 when bytes.Count > 0:
                    bytes[at] = value;
                    break;
                case 3 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << (value % 8));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5 when bytes.Count > 0:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(1 + (value % 8), bytes.Count - at)));
                    break;
            }
        }

        return new FuzzBytes($"mutation {string.Join(" ", mutations.Select(m => $"{m.Kind}@{m.Position}:{m.Value:X2}"))} of {frame.Text}", [.. bytes]);
    }

    private static IdCase NumberId(string token)
    {
        // An integer token comes back digit for digit; any other number as ECMAScript writes its double.
        var integer = token.TrimStart('-');
        var isInteger = integer.Length > 0 && !integer.AsSpan().ContainsAnyExceptInRange('0', '9');
        var echo = isInteger
            ? (token == "-0" ? "0" : token)
            : EcmaNumber.Format(double.Parse(token, CultureInfo.InvariantCulture));
        return new IdCase(token, echo);
    }

    private static string EchoOf(JToken value) => value.Type switch
    {
        JTokenType.String => JsonGen.Write(value),
        JTokenType.Integer or JTokenType.Float or JTokenType.Raw => NumberId(JsonGen.Write(value)).Echo,
        _ => "null",
    };

    private static ValueClass IdClass(string token) => token switch
    {
        "null" => ValueClass.Null,
        "\"2.0\"" => ValueClass.VersionString,
        _ when token.StartsWith('"') => ValueClass.String,
        _ => ValueClass.Number,
    };

    private static ValueClass Classify(JToken value) => value.Type switch
    {
        JTokenType.Object => ValueClass.Object,
        JTokenType.Array => ValueClass.Array,
        JTokenType.String => (string?)value == "2.0" ? ValueClass.VersionString : ValueClass.String,
        JTokenType.Null => ValueClass.Null,
        JTokenType.Boolean => ValueClass.Boolean,
        _ => ValueClass.Number,
    };
}
