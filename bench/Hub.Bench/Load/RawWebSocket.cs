using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Hub.Bench.Load;

/// <summary>
/// A minimal RFC 6455 client on a bare socket, cheaper than <see cref="ClientWebSocket"/> for a load generator: one
/// receive reads as many frames as the kernel has and hands them out one by one without another system call; a send
/// is one buffer (header and payload) and one system call; the masking key is zero, so the payload is sent as is.
/// Text and binary messages, fragmentation, ping (answered), pong and close are handled; no extensions.
/// </summary>
internal sealed class RawWebSocket : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[] _receive = [];
    private int _start;
    private int _end;
    private byte[] _message = [];
    private byte[] _send = [];
    private bool _closeSent;

    private RawWebSocket(Socket socket) => _socket = socket;

    public static async Task<RawWebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var client = new RawWebSocket(socket);
        try
        {
            EndPoint endpoint = IPAddress.TryParse(uri.Host, out var address) ? new IPEndPoint(address, uri.Port) : new DnsEndPoint(uri.Host, uri.Port);
            await socket.ConnectAsync(endpoint, cancellationToken);
            var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            var request = Encoding.ASCII.GetBytes(
                $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
            await client.SendRawAsync(request, cancellationToken);
            await client.ReadHandshakeAsync(cancellationToken);
            return client;
        }
        catch (SocketException ex)
        {
            await client.DisposeAsync();
            throw new WebSocketException(ex.Message, ex);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>The status code of the close frame the server sent (1005 when it had none), null until one arrives.</summary>
    public int? CloseCode { get; private set; }

    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => SendFrameAsync(0x1, payload, cancellationToken);

    /// <summary>Whether a whole frame is already buffered, so the next <see cref="ReceiveAsync"/> needs no system call for it.</summary>
    public bool HasBufferedFrame => _end - _start >= 2 && TryReadFrame(out _, out _, out _, out _, unmask: false) == 0;

    /// <summary>One text frame per payload, <paramref name="payloads"/>[id] for each id in <paramref name="ids"/>, all in one buffer and one send.</summary>
    public async ValueTask SendManyAsync(byte[][] payloads, ReadOnlyMemory<int> ids, CancellationToken cancellationToken)
    {
        if (!_sendLock.Wait(0, CancellationToken.None))
        {
            await _sendLock.WaitAsync(cancellationToken);
        }

        try
        {
            var length = 0;
            for (var i = 0; i < ids.Length; i++)
            {
                length += Frame(0x1, payloads[ids.Span[i]], length);
            }

            await SendRawAsync(_send.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next whole message, or null when the server closed. The memory is valid until the next call.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_receive.Length == 0)
        {
            _receive = ArrayPool<byte>.Shared.Rent(BufferSize);
        }

        var messageLength = 0;
        while (true)
        {
            var needed = TryReadFrame(out var fin, out var opcode, out var payloadStart, out var payloadLength);
            if (needed == 0)
            {
                _start = payloadStart + payloadLength;
                switch (opcode)
                {
                    case 0x0 or 0x1 or 0x2:
                        if (fin && messageLength == 0)
                        {
                            return _receive.AsMemory(payloadStart, payloadLength);
                        }

                        messageLength = Append(messageLength, payloadStart, payloadLength);
                        if (fin)
                        {
                            return _message.AsMemory(0, messageLength);
                        }

                        continue;
                    case 0x8:
                        CloseCode = payloadLength >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(_receive.AsSpan(payloadStart, 2)) : 1005;
                        await CloseOutputAsync(cancellationToken);
                        return null;
                    case 0x9:
                        var ping = _receive.AsSpan(payloadStart, payloadLength).ToArray();
                        await SendFrameAsync(0xA, ping, cancellationToken);
                        continue;
                    default:
                        continue; // pong
                }
            }

            // Not a whole frame yet: make room (keep the partial frame at the start) and read more.
            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_start > 0 && _end + needed > _receive.Length)
            {
                Buffer.BlockCopy(_receive, _start, _receive, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end + needed > _receive.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_receive.Length * 2, _end + needed));
                Buffer.BlockCopy(_receive, 0, larger, 0, _end);
                ArrayPool<byte>.Shared.Return(_receive);
                _receive = larger;
            }

            int read;
            try
            {
                read = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, cancellationToken);
            }
            catch (SocketException ex)
            {
                throw new WebSocketException(ex.Message, ex);
            }

            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>Sends a close frame (1000) once, best effort.</summary>
    public async Task CloseOutputAsync(CancellationToken cancellationToken)
    {
        if (_closeSent)
        {
            return;
        }

        _closeSent = true;
        try
        {
            await SendFrameAsync(0x8, new byte[] { 0x03, 0xE8 }, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        var receive = Interlocked.Exchange(ref _receive, []);
        if (receive.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(receive);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>0 when a whole frame is buffered (its header read); otherwise how many more bytes are needed at least.</summary>
    private int TryReadFrame(out bool fin, out int opcode, out int payloadStart, out int payloadLength, bool unmask = true)
    {
        fin = false;
        opcode = payloadStart = payloadLength = 0;
        var available = _receive.AsSpan(_start, _end - _start);
        if (available.Length < 2)
        {
            return 2 - available.Length;
        }

        fin = (available[0] & 0x80) != 0;
        opcode = available[0] & 0x0F;
        var masked = (available[1] & 0x80) != 0;
        long length = available[1] & 0x7F;
        var header = 2;
        if (length == 126)
        {
            header = 4;
            if (available.Length < header)
            {
                return header - available.Length;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(available[2..]);
        }
        else if (length == 127)
        {
            header = 10;
            if (available.Length < header)
            {
                return header - available.Length;
            }

            length = (long)BinaryPrimitives.ReadUInt64BigEndian(available[2..]);
        }

        if (length > int.MaxValue / 2)
        {
            throw new WebSocketException("frame too large");
        }

        var maskAt = header;
        header += masked ? 4 : 0;
        var total = header + (int)length;
        if (available.Length < total)
        {
            return total - available.Length;
        }

        payloadStart = _start + header;
        payloadLength = (int)length;
        if (masked && unmask)
        {
            // Servers do not mask; if one did, unmask in place.
            var mask = available.Slice(maskAt, 4).ToArray();
            var payload = _receive.AsSpan(payloadStart, payloadLength);
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= mask[i & 3];
            }
        }

        return 0;
    }

    private int Append(int messageLength, int payloadStart, int payloadLength)
    {
        if (messageLength + payloadLength > _message.Length)
        {
            Array.Resize(ref _message, Math.Max(BufferSize, (messageLength + payloadLength) * 2));
        }

        Buffer.BlockCopy(_receive, payloadStart, _message, messageLength, payloadLength);
        return messageLength + payloadLength;
    }

    private async ValueTask SendFrameAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!_sendLock.Wait(0, CancellationToken.None))
        {
            await _sendLock.WaitAsync(cancellationToken);
        }

        try
        {
            var length = Frame(opcode, payload.Span, 0);
            await SendRawAsync(_send.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Writes header, zero masking key and payload into the send buffer at <paramref name="at"/> (what is before it kept); returns the frame's length.</summary>
    private int Frame(byte opcode, ReadOnlySpan<byte> payload, int at)
    {
        var needed = at + 14 + payload.Length;
        if (_send.Length < needed)
        {
            var larger = new byte[Math.Max(1024, needed * 2)];
            _send.AsSpan(0, at).CopyTo(larger);
            _send = larger;
        }

        var frame = _send.AsSpan(at);
        frame[0] = (byte)(0x80 | opcode);
        int header;
        if (payload.Length < 126)
        {
            frame[1] = (byte)(0x80 | payload.Length);
            header = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame[2..], (ushort)payload.Length);
            header = 4;
        }
        else
        {
            frame[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame[2..], (ulong)payload.Length);
            header = 10;
        }

        frame.Slice(header, 4).Clear(); // a zero masking key: the payload goes as it is
        payload.CopyTo(frame[(header + 4)..]);
        return header + 4 + payload.Length;
    }

    private async ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
                bytes = bytes[sent..];
            }
        }
        catch (SocketException ex)
        {
            throw new WebSocketException(ex.Message, ex);
        }
    }

    /// <summary>Reads the upgrade response up to its blank line; bytes after it stay buffered as frames.</summary>
    private async Task ReadHandshakeAsync(CancellationToken cancellationToken)
    {
        _receive = ArrayPool<byte>.Shared.Rent(BufferSize);
        while (true)
        {
            var end = _receive.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(_receive, 0, end);
                if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    throw new WebSocketException("upgrade refused: " + head.Split('\r')[0]);
                }

                _start = end + 4;
                if (_start == _end)
                {
                    // Nothing buffered: an idle connection holds no receive buffer until it reads.
                    ArrayPool<byte>.Shared.Return(_receive);
                    _receive = [];
                    _start = _end = 0;
                }

                return;
            }

            if (_end == _receive.Length)
            {
                throw new WebSocketException("upgrade response too long");
            }

            var read = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new WebSocketException("the server closed the connection during the upgrade");
            }

            _end += read;
        }
    }
}
