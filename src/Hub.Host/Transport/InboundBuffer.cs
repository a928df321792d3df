using System.Buffers;

namespace Hub.Host.Transport;

/// <summary>
/// A message being assembled (a WebSocket message, or an HTTP body) in segments: a first buffer of 4 KiB from the
/// shared array pool (most messages fit), then segments of 16 KiB from the <see cref="InboundBudget"/>'s own. Each
/// segment's bytes are taken from the budget before it is added (the reader asks for <see cref="NextSegmentBytes"/>)
/// and given back when the message is taken or dropped, but for the message's own length, which the finished message
/// keeps until it has been parsed.
/// </summary>
/// <remarks>
/// Segments of one size rather than one buffer doubled by copying: a wave of large messages, each buffer renting a
/// larger one as it grew, fragmented the large-object heap until the process held several times the budget
/// (bench/RESULTS.md, trickle). A WebSocket reader reuses one for all its messages; not thread-safe.
/// </remarks>
internal sealed class InboundBuffer(InboundBudget budget)
{
    /// <summary>The first segment of a message: <see cref="InboundBudget.FirstBufferBytes"/>.</summary>
    public const int FirstSegmentBytes = InboundBudget.FirstBufferBytes;

    private List<byte[]>? _full;
    private byte[]? _current;
    private int _filled;
    private long _held;

    /// <summary>Bytes assembled so far.</summary>
    public int Length { get; private set; }

    /// <summary>No segment yet: the next is the message's first.</summary>
    public bool IsEmpty => _current is null;

    /// <summary>No room left: a segment must be added before the next read.</summary>
    public bool IsFull => _current is null || _filled == _current.Length;

    /// <summary>The bytes to take from the budget before <see cref="AddSegment"/>.</summary>
    public int NextSegmentBytes => _current is null ? FirstSegmentBytes : InboundBudget.SegmentBytes;

    /// <summary>Where the next read goes.</summary>
    public Memory<byte> Free => _current.AsMemory(_filled);

    /// <summary>Adds a segment of <see cref="NextSegmentBytes"/>, which the caller has taken from the budget.</summary>
    public void AddSegment()
    {
        var size = NextSegmentBytes;
        var segment = _current is null ? ArrayPool<byte>.Shared.Rent(size) : budget.RentSegment();
        if (segment.Length != size)
        {
            // The pool may rent more than asked for (it does not for this power of two): count what is held.
            budget.Add(segment.Length - size);
        }

        if (_current is not null)
        {
            (_full ??= []).Add(_current);
        }

        _current = segment;
        _filled = 0;
        _held += segment.Length;
    }

    /// <summary>Counts <paramref name="count"/> bytes just read into <see cref="Free"/>.</summary>
    public void Advance(int count)
    {
        _filled += count;
        Length += count;
    }

    /// <summary>
    /// The message, copied out in one array; the segments go back to the pool and their bytes to the budget, but for
    /// the message's length, which it keeps until the connection has parsed it. Empty again afterwards.
    /// </summary>
    public byte[] TakeMessage()
    {
        if (Length == 0)
        {
            Clear();
            return [];
        }

        var message = GC.AllocateUninitializedArray<byte>(Length);
        var at = 0;
        if (_full is not null)
        {
            foreach (var segment in _full)
            {
                segment.CopyTo(message, at);
                at += segment.Length;
            }
        }

        _current.AsSpan(0, _filled).CopyTo(message.AsSpan(at));
        var keep = Length;
        ReturnSegments();
        budget.Release(_held - keep);
        _held = 0;
        return message;
    }

    /// <summary>Drops what was assembled: the segments go back to the pool and their bytes to the budget.</summary>
    public void Clear()
    {
        ReturnSegments();
        budget.Release(_held);
        _held = 0;
    }

    private void ReturnSegments()
    {
        if (_full is not null)
        {
            foreach (var segment in _full)
            {
                Return(segment);
            }

            _full.Clear();
        }

        if (_current is not null)
        {
            Return(_current);
        }

        _current = null;
        _filled = 0;
        Length = 0;
    }

    /// <summary>The first buffer goes back to the shared pool, a segment to the budget's.</summary>
    private void Return(byte[] segment)
    {
        if (segment.Length == InboundBudget.SegmentBytes)
        {
            budget.ReturnSegment(segment);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(segment);
        }
    }
}
