namespace Hub.Tests.Conformance;

/// <summary>The entries of one step still to be matched, per connection, and the README's rules for each arriving frame.</summary>
internal sealed class StepExpectations
{
    private readonly Dictionary<string, List<ExpectedFrame>> _pending = new(StringComparer.Ordinal);
    private readonly bool _anyOrder;
    private readonly bool _skipNotifications;

    public StepExpectations(SequenceStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        foreach (var entry in step.Expect)
        {
            if (!_pending.TryGetValue(entry.Conn, out var entries))
            {
                entries = [];
                _pending.Add(entry.Conn, entries);
            }

            entries.Add(entry);
        }

        _anyOrder = step.ExpectAnyOrder;
        _skipNotifications = step.SkipNotifications;
    }

    public bool IsSatisfied => _pending.Values.All(entries => entries.Count == 0);

    /// <summary>The connections with entries still pending: the only ones the step reads.</summary>
    public IReadOnlyList<string> WaitingConnections => [.. _pending.Where(p => p.Value.Count > 0).Select(p => p.Key)];

    public bool IsWaitingOn(string conn) => _pending.TryGetValue(conn, out var entries) && entries.Count > 0;

    /// <summary>Matches a frame that arrived on <paramref name="conn"/>, which must have pending entries.</summary>
    public FrameOutcome Offer(string conn, string frame)
    {
        if (!IsWaitingOn(conn))
        {
            throw new InvalidOperationException($"The step has no pending entry on connection '{conn}'.");
        }

        var entries = _pending[conn];

        // In order, only the first pending entry of the connection may match.
        var candidates = _anyOrder ? entries.Count : 1;
        for (var i = 0; i < candidates; i++)
        {
            if (entries[i].Matches(frame))
            {
                entries.RemoveAt(i);
                return FrameOutcome.Matched;
            }
        }

        return _skipNotifications && FrameMatching.IsTopicNotification(frame) ? FrameOutcome.Dropped : FrameOutcome.Unexpected;
    }

    public string DescribePending() =>
        string.Join(Environment.NewLine, _pending.Values.SelectMany(entries => entries).Select(entry => "  " + entry.Describe()));
}
