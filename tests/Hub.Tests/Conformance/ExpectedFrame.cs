namespace Hub.Tests.Conformance;

/// <summary>An entry of a step's <c>expect</c>: an exact <see cref="Frame"/> or a <see cref="Regex"/> the whole frame matches.</summary>
internal sealed record ExpectedFrame(string Conn, string? Frame, string? Regex, bool IgnoreData)
{
    public bool Matches(string actual) =>
        Frame is not null
            ? string.Equals(Frame, IgnoreData ? FrameMatching.RemoveIgnoredData(actual) : actual, StringComparison.Ordinal)
            : FrameMatching.IsFullMatch(Regex!, actual);

    public string Describe() =>
        Frame is not null
            ? $"{Conn}: {Frame}{(IgnoreData ? " (ignoring error.data)" : "")}"
            : $"{Conn}: regex {Regex}";
}
