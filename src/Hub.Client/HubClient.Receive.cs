using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// The receive loop: reassembles frames, parses messages and routes replies, notifications and server calls.
public sealed partial class HubClient
{
    private static readonly JsonLoadSettings LoadSettings = new() { LineInfoHandling = LineInfoHandling.Ignore };

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[ReceiveBufferSize];
        var message = new ArrayBufferWriter<byte>();
        Exception? cause = null;
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer.AsMemory(), _lifetime.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // Callers stop first (Terminate), then the server's close frame is echoed.
                    Terminate(OnCloseReceived(), cause: null);
                    await AnswerCloseAsync().ConfigureAwait(false);
                    return;
                }

                if (received.EndOfMessage && message.WrittenCount == 0)
                {
                    HandleFrame(received.MessageType, buffer.AsSpan(0, received.Count));
                    continue;
                }

                message.Write(buffer.AsSpan(0, received.Count));
                if (received.EndOfMessage)
                {
                    HandleFrame(received.MessageType, message.WrittenSpan);
                    message.ResetWrittenCount();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            cause = e;
        }
        finally
        {
            Terminate("The connection to the server was lost.", cause);
            _closed.TrySetResult();
        }
    }

    private string OnCloseReceived()
    {
        lock (_stateGate)
        {
            _closeStatus = _socket.CloseStatus;
            _closeDescription = _socket.CloseStatusDescription;
            return _closeStatus is { } status
                ? $"The server closed the connection with status {(int)status} ({status})"
                    + (string.IsNullOrEmpty(_closeDescription) ? "." : $": {_closeDescription}.")
                : "The server closed the connection.";
        }
    }

    private async Task AnswerCloseAsync()
    {
        // Only when the server started the closing handshake; after the client's own close it is complete already.
        if (_socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_closeTimeout);
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                await _socket.CloseOutputAsync(_socket.CloseStatus ?? WebSocketCloseStatus.Empty, null, timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection is over either way.
        }
    }

    private void HandleFrame(WebSocketMessageType type, ReadOnlySpan<byte> frame)
    {
        // PROTOCOL.md: text frames only. A binary frame from the server has no meaning here.
        if (type != WebSocketMessageType.Text)
        {
            return;
        }

        JToken message;
        try
        {
            using var reader = new JsonTextReader(new StringReader(Encoding.UTF8.GetString(frame)))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
                MaxDepth = null,
            };
            message = JToken.ReadFrom(reader, LoadSettings);
        }
        catch (JsonException)
        {
            // Not JSON: nothing in it can be matched to a call, so there is nobody to tell.
            return;
        }

        if (message is JArray batch)
        {
            foreach (var entry in batch)
            {
                HandleMessage(entry);
            }
        }
        else
        {
            HandleMessage(message);
        }
    }

    private void HandleMessage(JToken message)
    {
        if (message is not JObject envelope)
        {
            return;
        }

        if (envelope["method"] is JValue { Type: JTokenType.String, Value: string method })
        {
            var parameters = envelope["params"];
            if (envelope.TryGetValue("id", out var id))
            {
                ServeServerCall(method, parameters, id);
            }
            else
            {
                DispatchNotification(method, parameters);
            }

            return;
        }

        if (envelope["id"] is JValue { Type: JTokenType.Integer, Value: long callId } && _pending.TryRemove(callId, out var call))
        {
            if (envelope["error"] is JObject error)
            {
                call.TrySetException(ToRpcException(error));
            }
            else
            {
                call.TrySetResult(envelope["result"] ?? JValue.CreateNull());
            }
        }

        // Any other reply (unknown or timed-out id, id null) matches no waiting call and is dropped.
    }

    private static HubRpcException ToRpcException(JObject error)
    {
        var code = error["code"] is JValue { Type: JTokenType.Integer, Value: long number } && number is >= int.MinValue and <= int.MaxValue
            ? (int)number
            : -32603;
        var message = error["message"] is JValue { Type: JTokenType.String, Value: string text } ? text : "";
        return new HubRpcException(code, message, error["data"]);
    }
}
