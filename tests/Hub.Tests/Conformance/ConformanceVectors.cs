using System.Text.Json;

namespace Hub.Tests.Conformance;

/// <summary>Reads <c>cases.json</c> and <c>stateful.json</c>, copied next to the test assembly.</summary>
/// <remarks>
/// <see cref="JsonDocument"/> turns the files' escapes into the characters they stand for (<c>\ufeff</c>
/// becomes U+FEFF), which is what the frames carry. Members the README does not name are ignored.
/// </remarks>
internal static class ConformanceVectors
{
    public const string CasesFile = "cases.json";
    public const string SequencesFile = "stateful.json";

    private static readonly TimeSpan _defaultStepTimeout = TimeSpan.FromMilliseconds(3000);
    private static readonly Lazy<IReadOnlyList<ConformanceCase>> _cases = new(() => ParseCases(File.ReadAllText(PathOf(CasesFile))));
    private static readonly Lazy<IReadOnlyList<ConformanceSequence>> _sequences = new(() => ParseSequences(File.ReadAllText(PathOf(SequencesFile))));

    public static IReadOnlyList<ConformanceCase> Cases => _cases.Value;

    public static IReadOnlyList<ConformanceSequence> Sequences => _sequences.Value;

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Conformance", file);

    public static ConformanceCase Case(string name) => Cases.Single(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    public static ConformanceSequence Sequence(string name) => Sequences.Single(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    public static IReadOnlyList<ConformanceCase> ParseCases(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(c => new ConformanceCase(
            Name: RequiredString(c, "name"),
            Send: RequiredString(c, "send"),
            Expect: NullableString(c, "expect"),
            IgnoreData: RequiredBoolean(c, "ignore_data"),
            ExpectUnorderedBatch: OptionalBoolean(c, "expect_unordered_batch")))];
    }

    public static IReadOnlyList<ConformanceSequence> ParseSequences(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(s => new ConformanceSequence(
            Name: RequiredString(s, "name"),
            Connections: [.. Required(s, "connections").EnumerateArray().Select(c => c.GetString() ?? throw Malformed("connections", c))],
            Steps: [.. Required(s, "steps").EnumerateArray().Select(ParseStep)]))];
    }

    private static SequenceStep ParseStep(JsonElement step) => new(
        Conn: step.TryGetProperty("conn", out _) ? NullableString(step, "conn") : null,
        Send: NullableString(step, "send"),
        Expect: [.. Required(step, "expect").EnumerateArray().Select(ParseEntry)],
        ExpectAnyOrder: OptionalBoolean(step, "expect_any_order"),
        SkipNotifications: OptionalBoolean(step, "skip_notifications"),
        Timeout: step.TryGetProperty("timeout_ms", out var timeout) ? TimeSpan.FromMilliseconds(timeout.GetInt32()) : _defaultStepTimeout);

    private static ExpectedFrame ParseEntry(JsonElement entry)
    {
        var frame = entry.TryGetProperty("frame", out _) ? RequiredString(entry, "frame") : null;
        var regex = entry.TryGetProperty("regex", out _) ? RequiredString(entry, "regex") : null;
        if ((frame is null) == (regex is null))
        {
            throw Malformed("an expect entry needs exactly one of frame and regex", entry);
        }

        return new ExpectedFrame(RequiredString(entry, "conn"), frame, regex, OptionalBoolean(entry, "ignore_data"));
    }

    private static JsonElement Required(JsonElement parent, string member) =>
        parent.TryGetProperty(member, out var value) ? value : throw Malformed($"missing member '{member}'", parent);

    private static string RequiredString(JsonElement parent, string member) =>
        Required(parent, member) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw Malformed($"'{member}' must be a string", parent);

    private static string? NullableString(JsonElement parent, string member) =>
        Required(parent, member).ValueKind == JsonValueKind.Null ? null : RequiredString(parent, member);

    private static bool RequiredBoolean(JsonElement parent, string member) => Required(parent, member).GetBoolean();

    private static bool OptionalBoolean(JsonElement parent, string member) =>
        parent.TryGetProperty(member, out var value) && value.GetBoolean();

    private static InvalidDataException Malformed(string problem, JsonElement where) =>
        new($"Malformed conformance vector ({problem}): {where.GetRawText()}");
}
