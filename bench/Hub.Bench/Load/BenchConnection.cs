using System.Buffers;
using System.Net.WebSockets;

namespace Hub.Bench.Load;

/// <summary>
/// One client WebSocket of the load generator: a pooled receive buffer reused for every message, one sender and
/// one receiver at a time (the scenario arranges that), and the SignalR handshake where the dialect needs it.
/// By default on <see cref="RawWebSocket"/>; <see cref="UseClientWebSocket"/> switches to the BCL's client.
/// </summary>
internal sealed class BenchConnection : IAsyncDisposable
{
    private readonly ClientWebSocket? _socket;
    private readonly RawWebSocket? _raw;
    private byte[] _buffer = []; // rented at the first receive, so an idle connection holds none

    private BenchConnection(ClientWebSocket? socket, RawWebSocket? raw, WireDialect dialect, int node)
    {
        _socket = socket;
        _raw = raw;
        Dialect = dialect;
        Node = node;
    }

    /// <summary>Connect with <see cref="ClientWebSocket"/> instead of the cheaper <see cref="RawWebSocket"/> (--client managed).</summary>
    public static bool UseClientWebSocket { get; set; }

    public WireDialect Dialect { get; }

    /// <summary>Which endpoint (cluster node) it is connected to, from 0.</summary>
    public int Node { get; }

    /// <summary>The status code of the server's close frame (1005 for one without a code), null when none has arrived.</summary>
    public int? CloseCode => _raw is not null ? _raw.CloseCode : (int?)_socket!.CloseStatus;

    public static async Task<BenchConnection> ConnectAsync(Uri uri, WireDialect dialect, int node, CancellationToken cancellationToken)
    {
        ClientWebSocket? socket = null;
        RawWebSocket? raw = null;
        if (UseClientWebSocket)
        {
            socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
        }
        else
        {
            raw = await RawWebSocket.ConnectAsync(uri, cancellationToken);
        }

        var connection = new BenchConnection(socket, raw, dialect, node);
        try
        {
            if (socket is not null)
            {
                await socket.ConnectAsync(uri, cancellationToken);
            }

            if (dialect == WireDialect.SignalR)
            {
                await connection.SendAsync(Wire.SignalRHandshake, cancellationToken);
                var answer = await connection.ReceiveAsync(cancellationToken)
                    ?? throw new WebSocketException("SignalR closed the connection during the handshake");
                if (answer.Span.IndexOf("\"error\""u8) >= 0)
                {
                    throw new WebSocketException("SignalR refused the handshake");
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        _raw?.SendAsync(message, cancellationToken) ?? _socket!.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>
    /// Requests <paramref name="requests"/>[id] for each id in <paramref name="ids"/>, one frame each, in one
    /// write on <see cref="RawWebSocket"/> (the BCL's client has no way to put several frames in one send: one each).
    /// </summary>
    public async ValueTask SendManyAsync(byte[][] requests, ReadOnlyMemory<int> ids, CancellationToken cancellationToken)
    {
        if (_raw is not null)
        {
            await _raw.SendManyAsync(requests, ids, cancellationToken);
            return;
        }

        for (var i = 0; i < ids.Length; i++)
        {
            await _socket!.SendAsync(requests[ids.Span[i]], WebSocketMessageType.Text, true, cancellationToken);
        }
    }

    /// <summary>Whether the next <see cref="ReceiveAsync"/> can return a message already read from the socket.</summary>
    public bool HasBufferedMessage => _raw?.HasBufferedFrame ?? false;

    /// <summary>One whole message, or null when the server closed. The memory is valid until the next call.</summary>
    public ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken) =>
        _raw?.ReceiveAsync(cancellationToken) ?? ReceiveManagedAsync(_socket!, cancellationToken);

    private async ValueTask<ReadOnlyMemory<byte>?> ReceiveManagedAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(8 * 1024, _buffer.Length * 2));
                _buffer.AsSpan(0, length).CopyTo(larger);
                if (_buffer.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                }

                _buffer = larger;
            }

            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return _buffer.AsMemory(0, length);
            }
        }
    }

    /// <summary>Sends a request and reads until the reply with <paramref name="id"/> arrives (other records are skipped).</summary>
    public async Task<RecordKind> CallAsync(byte[] request, int id, CancellationToken cancellationToken)
    {
        await SendAsync(request, cancellationToken);
        while (await ReceiveAsync(cancellationToken) is { } message)
        {
            if (FindReply(message.Span, id) is { } kind)
            {
                return kind;
            }
        }

        throw new WebSocketException("the server closed the connection before it answered");
    }

    /// <summary>Starts a close and lets go of the socket without waiting for the server's answer for long.</summary>
    public async Task CloseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_raw is not null)
            {
                await _raw.CloseOutputAsync(timeout.Token);
            }
            else if (_socket!.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing is best effort; the socket is aborted below.
        }

        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_raw is not null)
        {
            await _raw.DisposeAsync();
        }
        else
        {
            _socket!.Abort();
            _socket.Dispose();
        }

        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private RecordKind? FindReply(ReadOnlySpan<byte> message, int id)
    {
        var records = new RecordReader(Dialect, message);
        while (records.TryNext(out var record))
        {
            var kind = Wire.Classify(Dialect, record, out var replyId);
            if (kind is RecordKind.Reply or RecordKind.Error && replyId == id)
            {
                return kind;
            }
        }

        return null;
    }
}
