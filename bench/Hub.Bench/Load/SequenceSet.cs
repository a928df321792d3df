namespace Hub.Bench.Load;

/// <summary>A set of sequence numbers from 0 up, one bit each, growing as larger numbers arrive. Not thread-safe.</summary>
internal sealed class SequenceSet
{
    private ulong[] _bits = new ulong[16];

    public long Count { get; private set; }

    /// <summary>Adds <paramref name="sequence"/>; false when it was there already.</summary>
    public bool Add(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        var word = (int)(sequence >> 6);
        if (word >= _bits.Length)
        {
            Array.Resize(ref _bits, Math.Max(word + 1, _bits.Length * 2));
        }

        var bit = 1UL << (int)(sequence & 63);
        if ((_bits[word] & bit) != 0)
        {
            return false;
        }

        _bits[word] |= bit;
        Count++;
        return true;
    }

    public bool Contains(long sequence)
    {
        var word = sequence >> 6;
        return sequence >= 0 && word < _bits.Length && (_bits[word] & (1UL << (int)(sequence & 63))) != 0;
    }

    /// <summary>The members from <paramref name="from"/> up, in order.</summary>
    public IEnumerable<long> From(long from)
    {
        for (var word = Math.Max(0, from >> 6); word < _bits.Length; word++)
        {
            var bits = _bits[word];
            while (bits != 0)
            {
                var sequence = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (sequence >= from)
                {
                    yield return sequence;
                }
            }
        }
    }
}
