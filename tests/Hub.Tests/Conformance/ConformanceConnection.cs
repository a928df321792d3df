using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Hub.Tests.Support;

namespace Hub.Tests.Conformance;

/// <summary>
/// A raw WebSocket connection whose background loop reassembles each message and queues its text in
/// arrival order, so a test can watch several connections and leave frames queued for a later step.
/// </summary>
internal sealed class ConformanceConnection : IAsyncDisposable
{
    private const int MaxMessageBytes = 16 * 1024 * 1024;

    // Strict both ways: a frame must carry the vector's characters exactly, and a reply that is not
    // valid UTF-8 is a failure, not replacement characters.
    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ClientWebSocket _socket;
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private volatile string? _ended;

    private ConformanceConnection(ClientWebSocket socket, string name)
    {
        _socket = socket;
        Name = name;
        _receiveLoop = ReceiveLoopAsync();
    }

    public string Name { get; }

    public static async Task<ConformanceConnection> OpenAsync(Uri uri, string name)
    {
        var socket = new ClientWebSocket();
        try
        {
            using var timeout = new CancellationTokenSource(Waits.Max);
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ConformanceConnection(socket, name);
    }

    /// <summary>The bytes a frame carries for <paramref name="text"/>: its UTF-8 form, no byte-order mark added.</summary>
    public static byte[] ToFrameBytes(string text) => _strictUtf8.GetBytes(text);

    /// <summary>True as soon as one of <paramref name="connections"/> has a frame queued or has ended; false when <paramref name="cancellationToken"/> fires first.</summary>
    public static async Task<bool> WaitAnyAsync(IEnumerable<ConformanceConnection> connections, CancellationToken cancellationToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = connections.Select(c => c._frames.Reader.WaitToReadAsync(stopWaiting.Token).AsTask()).ToList();
        var first = await Task.WhenAny(waits);
        await stopWaiting.CancelAsync();
        return first.IsCompletedSuccessfully;
    }

    public async Task SendAsync(string text)
    {
        using var timeout = new CancellationTokenSource(Waits.Max);
        await _socket.SendAsync(ToFrameBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>The next frame already queued, or null when none is; throws when the connection has ended and nothing is left.</summary>
    public string? Poll()
    {
        if (_frames.Reader.TryRead(out var frame))
        {
            return frame;
        }

        if (_frames.Reader.Completion.IsCompleted)
        {
            throw new InvalidOperationException($"Connection '{Name}' ended: {_ended}.");
        }

        return null;
    }

    /// <summary>The next frame, or null when none arrives before <paramref name="cancellationToken"/> fires.</summary>
    public async Task<string?> ReceiveAsync(CancellationToken cancellationToken) =>
        Poll() ?? (await WaitAnyAsync([this], cancellationToken) ? Poll() : null);

    public void ThrowIfNotOpen()
    {
        if (_ended is not null || _socket.State != WebSocketState.Open)
        {
            throw new InvalidOperationException($"Connection '{Name}' is not open ({_socket.State}): {_ended ?? "no close seen yet"}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(Waits.Max);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "conformance run done", timeout.Token);
            }
            catch (WebSocketException)
            {
                // Already failed: the receive loop has recorded why.
            }
            catch (OperationCanceledException)
            {
                // The close did not go out in time; the abort below ends the connection.
            }
        }

        // The loop ends when the server's close frame arrives; a server that never sends one is aborted.
        if (!await FinishesWithinAsync(_receiveLoop, Waits.Max))
        {
            await _stop.CancelAsync();
            await FinishesWithinAsync(_receiveLoop, Waits.Max);
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private static async Task<bool> FinishesWithinAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _ended = $"closed by the server with {(int?)_socket.CloseStatus} '{_socket.CloseStatusDescription}'";
                    return;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (message.WrittenCount > MaxMessageBytes)
                {
                    _ended = $"the server sent a message over {MaxMessageBytes} bytes";
                    return;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    _ended = $"the server sent a {result.MessageType} message of {message.WrittenCount} bytes";
                    return;
                }

                string text;
                try
                {
                    text = _strictUtf8.GetString(message.WrittenSpan);
                }
                catch (DecoderFallbackException)
                {
                    _ended = "the server sent a text message that is not valid UTF-8: " + Convert.ToHexString(message.WrittenSpan);
                    return;
                }

                message.ResetWrittenCount();
                _frames.Writer.TryWrite(text);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _ended = "aborted by the test";
        }
        catch (WebSocketException ex)
        {
            _ended = "receive failed: " + ex.Message;
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
