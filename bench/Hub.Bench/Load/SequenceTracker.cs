namespace Hub.Bench.Load;

/// <summary>
/// What one subscriber received from one publisher: every sequence number seen, the highest, and how many arrived again
/// (duplicates) or after a higher one (out of order: the hub promises publish order per publisher and topic).
/// Written by the subscriber's receive loop only; <see cref="Highest"/> may be read from other threads.
/// </summary>
internal sealed class SequenceTracker
{
    private long _highest;

    public SequenceSet Seen { get; } = new();

    /// <summary>The highest sequence number seen, 0 before the first.</summary>
    public long Highest => Volatile.Read(ref _highest);

    public long Duplicates { get; private set; }

    public long OutOfOrder { get; private set; }

    /// <summary>Counts one arrival; true when it is the first of <paramref name="sequence"/>.</summary>
    public bool Record(long sequence)
    {
        if (!Seen.Add(sequence))
        {
            Duplicates++;
            return false;
        }

        if (sequence < _highest)
        {
            OutOfOrder++;
        }
        else
        {
            Volatile.Write(ref _highest, sequence);
        }

        return true;
    }
}
