using System.Buffers;

namespace Hub.Cluster;

/// <summary>
/// A buffer writer that keeps nothing and counts what is written to it, so a JSON tree's encoded size can be known
/// without holding the bytes. The scratch space is rented; dispose to give it back.
/// </summary>
internal sealed class ByteCounter : IBufferWriter<byte>, IDisposable
{
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(4096);

    /// <summary>Bytes written so far.</summary>
    public long Count { get; private set; }

    public void Advance(int count) => Count += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

    public void Dispose() => ArrayPool<byte>.Shared.Return(_scratch);

    private byte[] Scratch(int sizeHint)
    {
        if (sizeHint > _scratch.Length)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(sizeHint);
        }

        return _scratch;
    }
}
