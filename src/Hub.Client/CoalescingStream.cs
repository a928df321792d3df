using System.Buffers;

namespace Hub.Client;

/// <summary>
/// The transport under a connection's <see cref="System.Net.WebSockets.ClientWebSocket"/>: passes reads and writes
/// through, except that while the connection's writer <see cref="Hold"/>s it, writes are kept and go out with the next
/// write made after <see cref="Release"/>, in one <c>send()</c>. The WebSocket library still writes every frame
/// (header, mask, payload); this only decides when its bytes reach the socket, so several calls share a send.
/// </summary>
/// <remarks>
/// The library writes one frame at a time under its own lock (its keep-alive pings and pongs too), so writes never
/// overlap: a pong written while held simply leaves with the writer's frames. Every held write is followed by one
/// that flushes, since the writer releases before its last frame of a round.
/// </remarks>
internal sealed class CoalescingStream(Stream inner) : Stream
{
    // Kept between rounds up to this size; a round that grew past it gives its buffer back to the pool.
    private const int KeptBuffer = 64 * 1024;

    private byte[] _held = [];
    private int _heldCount;
    private volatile bool _holding;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Writes from now on are kept until <see cref="Release"/> and the next write.</summary>
    public void Hold() => _holding = true;

    /// <summary>The next write sends whatever was kept, with itself, in one write to the socket.</summary>
    public void Release() => _holding = false;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_holding)
        {
            Keep(buffer.Span);
            return ValueTask.CompletedTask;
        }

        if (_heldCount == 0)
        {
            return inner.WriteAsync(buffer, cancellationToken);
        }

        Keep(buffer.Span);
        return FlushHeldAsync(cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_held.Length - _heldCount < bytes.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_heldCount + bytes.Length, Math.Max(4096, _held.Length * 2)));
            _held.AsSpan(0, _heldCount).CopyTo(larger);
            Return(_held);
            _held = larger;
        }

        bytes.CopyTo(_held.AsSpan(_heldCount));
        _heldCount += bytes.Length;
    }

    private async ValueTask FlushHeldAsync(CancellationToken cancellationToken)
    {
        var count = _heldCount;
        _heldCount = 0;
        await inner.WriteAsync(_held.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        if (_held.Length > KeptBuffer)
        {
            Return(_held);
            _held = [];
        }
    }

    private static void Return(byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
