using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace RawJsonRpcServer;

/// <summary>
/// One WebSocket: a receive loop that parses and answers each message, and a writer loop for notifications.
/// Sends are serialized by one semaphore; replies go out from the receive loop directly (no hop), notifications
/// through a bounded channel of 1,000 (the hub's outbound limit; past it the connection is closed with 1008).
/// </summary>
internal sealed class RpcConnection(WebSocket socket, Topics topics)
{
    private const int OutboundLimit = 1000;

    private static readonly byte[] Prefix = "{\"jsonrpc\":\"2.0\","u8.ToArray();

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Channel<byte[]> _outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutboundLimit)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly SortedSet<string> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _subscriptionsLock = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var writer = WriteLoopAsync();
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await SendCloseAsync(WebSocketCloseStatus.NormalClosure, null);
                    return;
                }

                length += result.Count;
                if (length > 1024 * 1024)
                {
                    await SendCloseAsync(WebSocketCloseStatus.MessageTooBig, "message too big");
                    return;
                }

                if (result.EndOfMessage)
                {
                    await HandleAsync(buffer.AsMemory(0, length));
                    length = 0;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            lock (_subscriptionsLock)
            {
                foreach (var topic in _subscriptions)
                {
                    topics.Unsubscribe(topic, this);
                }
            }

            _outbound.Writer.TryComplete();
            await writer;
        }
    }

    /// <summary>Offers a notification; a subscriber 1,000 behind is closed, like the hub's slow consumer.</summary>
    public void Notify(byte[] notification)
    {
        if (!_outbound.Writer.TryWrite(notification) && _outbound.Writer.TryComplete())
        {
            _ = SendCloseAsync(WebSocketCloseStatus.PolicyViolation, "slow consumer");
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                await _sendLock.WaitAsync();
                try
                {
                    while (reader.TryRead(out var notification))
                    {
                        await socket.SendAsync(notification, WebSocketMessageType.Text, true, CancellationToken.None);
                    }
                }
                finally
                {
                    _sendLock.Release();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away; the receive loop ends too.
        }
    }

    private async Task SendCloseAsync(WebSocketCloseStatus status, string? reason)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(status, reason, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask HandleAsync(ReadOnlyMemory<byte> message)
    {
        var output = new ArrayBufferWriter<byte>(256);
        if (!Answer(message.Span, output))
        {
            return; // a notification: no reply
        }

        await _sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(output.WrittenMemory, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Parses one request and writes its reply; false when there is nothing to answer.</summary>
    private bool Answer(ReadOnlySpan<byte> message, ArrayBufferWriter<byte> output)
    {
        var request = default(Request);
        try
        {
            if (!Request.TryRead(message, out request))
            {
                WriteError(output, -32600, "Invalid Request", "null"u8);
                return true;
            }
        }
        catch (JsonException)
        {
            WriteError(output, -32700, "Parse error", "null"u8);
            return true;
        }

        var id = request.HasId ? message.Slice(request.IdStart, request.IdLength) : "null"u8;
        var parameters = request.HasParams ? message.Slice(request.ParamsStart, request.ParamsLength) : default;
        var method = message.Slice(request.MethodStart, request.MethodLength);
        if (method.SequenceEqual("ping"u8))
        {
            WriteResult(output, "\"pong\""u8, id);
        }
        else if (method.SequenceEqual("echo"u8))
        {
            WriteResult(output, request.HasParams ? parameters : "null"u8, id);
        }
        else if (method.SequenceEqual("subscribe"u8))
        {
            Subscribe(parameters, output, id);
        }
        else if (method.SequenceEqual("publish"u8))
        {
            Publish(parameters, output, id);
        }
        else
        {
            WriteError(output, -32601, "Method not found", id);
        }

        return request.HasId;
    }

    private void Subscribe(ReadOnlySpan<byte> parameters, ArrayBufferWriter<byte> output, ReadOnlySpan<byte> id)
    {
        var names = new List<string>();
        var reader = new Utf8JsonReader(parameters);
        if (parameters.IsEmpty || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            WriteError(output, -32602, "Invalid params", id);
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            var name = reader.GetString()!;
            if (!Topics.Exists(name))
            {
                WriteError(output, -32602, "Invalid params", id);
                return;
            }

            names.Add(name);
        }

        string[] now;
        lock (_subscriptionsLock)
        {
            foreach (var name in names)
            {
                if (_subscriptions.Add(name))
                {
                    topics.Subscribe(name, this);
                }
            }

            now = [.. _subscriptions];
        }

        var result = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(result))
        {
            json.WriteStartArray();
            foreach (var name in now)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
        }

        WriteResult(output, result.WrittenSpan, id);
    }

    /// <summary>[topic, data]: the notification is encoded once here and the same array goes to every subscriber.</summary>
    private void Publish(ReadOnlySpan<byte> parameters, ArrayBufferWriter<byte> output, ReadOnlySpan<byte> id)
    {
        var reader = new Utf8JsonReader(parameters);
        if (parameters.IsEmpty || !reader.Read() || reader.TokenType != JsonTokenType.StartArray
            || !reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            WriteError(output, -32602, "Invalid params", id);
            return;
        }

        var topic = reader.GetString()!;
        if (!Topics.Exists(topic) || !reader.Read() || reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            WriteError(output, -32602, "Invalid params", id);
            return;
        }

        var dataStart = (int)reader.TokenStartIndex;
        reader.Skip();
        var data = parameters[dataStart..(int)reader.BytesConsumed];

        var method = Encoding.UTF8.GetBytes(topic);
        var notification = new byte[Prefix.Length + 10 + method.Length + 12 + data.Length + 1];
        var span = notification.AsSpan();
        var position = 0;
        Append(span, ref position, Prefix);
        Append(span, ref position, "\"method\":\""u8);
        Append(span, ref position, method);
        Append(span, ref position, "\",\"params\":"u8);
        Append(span, ref position, data);
        Append(span, ref position, "}"u8);
        topics.Publish(topic, notification[..position]);
        WriteResult(output, "true"u8, id);
    }

    private static void Append(Span<byte> destination, ref int position, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[position..]);
        position += bytes.Length;
    }

    private static void WriteResult(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> result, ReadOnlySpan<byte> id)
    {
        output.Write(Prefix);
        output.Write("\"result\":"u8);
        output.Write(result);
        output.Write(",\"id\":"u8);
        output.Write(id);
        output.Write("}"u8);
    }

    private static void WriteError(ArrayBufferWriter<byte> output, int code, string message, ReadOnlySpan<byte> id)
    {
        output.Write(Prefix);
        output.Write("\"error\":{\"code\":"u8);
        output.Write(Encoding.ASCII.GetBytes(code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        output.Write(",\"message\":\""u8);
        output.Write(Encoding.ASCII.GetBytes(message));
        output.Write("\"},\"id\":"u8);
        output.Write(id);
        output.Write("}"u8);
    }
}
