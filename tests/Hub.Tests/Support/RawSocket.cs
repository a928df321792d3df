using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Hub.Tests.Support;

/// <summary>A raw WebSocket client for protocol tests: sends text frames, receives whole messages in order.</summary>
public sealed class RawSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
    private readonly Task _receiving;

    private RawSocket(ClientWebSocket socket, bool receive)
    {
        _socket = socket;
        _receiving = receive ? ReceiveLoopAsync() : Task.CompletedTask;
    }

    private int _received;

    public WebSocketState State => _socket.State;

    /// <summary>How many whole messages have arrived so far.</summary>
    public int ReceivedCount => Volatile.Read(ref _received);

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    /// <summary>Completes when the server has closed the connection (or it broke).</summary>
    public Task Closed => _receiving;

    public ClientWebSocket Socket => _socket;

    /// <summary>Connects; with <paramref name="receive"/> false nothing is read (a slow consumer).</summary>
    public static async Task<RawSocket> ConnectAsync(Uri uri, bool receive = true, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(Waits.Max);
        return new RawSocket(socket, receive);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public Task SendAsync(byte[] utf8) =>
        _socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).WaitAsync(Waits.Max);

    /// <summary>The next whole message, waiting at most <see cref="Waits.Max"/>.</summary>
    public async Task<string> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Waits.Max);
        return await _frames.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>A message already received, without waiting.</summary>
    public bool TryReceive(out string frame) => _frames.Reader.TryRead(out frame!);

    /// <summary>The next message that is not a topic notification.</summary>
    public async Task<string> ReceiveReplyAsync()
    {
        while (true)
        {
            var frame = await ReceiveAsync();
            if (!IsNotification(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>Sends a frame and returns the reply to it.</summary>
    public async Task<string> CallAsync(string frame)
    {
        await SendAsync(frame);
        return await ReceiveReplyAsync();
    }

    /// <summary>True when nothing arrives within <paramref name="period"/> (default <see cref="Waits.Quiet"/>).</summary>
    public async Task<bool> IsQuietAsync(TimeSpan? period = null)
    {
        using var quiet = new CancellationTokenSource(period ?? Waits.Quiet);
        try
        {
            await _frames.Reader.WaitToReadAsync(quiet.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public static bool IsNotification(string frame) =>
        frame.StartsWith("{\"jsonrpc\":\"2.0\",\"method\":", StringComparison.Ordinal) && !frame.Contains("\"id\":", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                _socket.Abort();
            }
        }

        _socket.Dispose();
        await _receiving.WaitAsync(Waits.Max).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Complete the close handshake, as a well-behaved client does.
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _frames.Writer.TryWrite(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                    Interlocked.Increment(ref _received);
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection ended; the test reads CloseStatus or State.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
