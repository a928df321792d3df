using System.Globalization;
using System.Text.RegularExpressions;
using Hub.Protocol;

namespace Hub.Tests.Fuzz;

/// <summary>Every entry of <c>corpus.json</c> through the parser with the default limits: the outcome and id it names, and replies in the protocol's form.</summary>
public sealed partial class CorpusTests
{
    public static TheoryData<string> Names => [.. Corpus.Entries.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Corpus_entry_is_read_as_expected(string name)
    {
        var entry = Corpus.Entry(name);

        var frame = FrameAssert.WellFormed(entry.Send);

        var (outcome, id) = Describe(frame);
        Assert.True(entry.Expect == outcome, $"{entry}: read as {outcome} (id {id}): {frame}");
        if (entry.Id is not null)
        {
            Assert.Equal(entry.Id, id);
        }
    }

    [Fact]
    public void Corpus_has_at_least_40_entries_with_unique_names_and_known_outcomes()
    {
        var entries = Corpus.Entries;

        Assert.True(entries.Count >= 40, $"{entries.Count} entries");
        Assert.Equal(entries.Count, entries.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(entries, e => Assert.Matches(Outcome(), e.Expect));
        Assert.All(entries.Where(e => e.Expect.StartsWith("batch:", StringComparison.Ordinal) || e.Expect == "notification"), e => Assert.Null(e.Id));
    }

    private static (string Outcome, string? Id) Describe(ParsedFrame frame) => frame switch
    {
        ParsedFrame.Rejected { Reply: var reply } => (
            reply.Error.Code == JsonRpcErrorCodes.ParseError ? "parse_error" : "invalid_request", FrameAssert.IdText(reply.Id)),
        ParsedFrame.Batch batch => ("batch:" + batch.Entries.Count.ToString(CultureInfo.InvariantCulture), null),
        ParsedFrame.Single { Message: var message } => FrameAssert.Describe(message) switch
        {
            (EntryKind.Request, var id) => ("request", id),
            (EntryKind.Notification, _) => ("notification", null),
            (EntryKind.Invalid, var id) => ("invalid_request", id),
            (EntryKind.ClientReply, var id) => ("client_reply", id),
            var other => throw new ArgumentOutOfRangeException(nameof(frame), other, null),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(frame), frame, null),
    };

    [GeneratedRegex(@"\A(?:parse_error|invalid_request|request|notification|client_reply|batch:[1-9][0-9]*)\z")]
    private static partial Regex Outcome();
}
