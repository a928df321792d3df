using System.Buffers.Text;

namespace Hub.Bench.Load;

/// <summary>Appends bytes and integers to a span; the caller sizes the span for the largest message.</summary>
internal ref struct SpanWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;

    public int Length { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_destination[Length..]);
        Length += bytes.Length;
    }

    public void Write(long value)
    {
        Utf8Formatter.TryFormat(value, _destination[Length..], out var written);
        Length += written;
    }
}
