using System.Globalization;
using System.Net.WebSockets;
using Hub.Protocol;
using Hub.Protocol.Diagnostics;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// What the receive loop hands over: reads messages with Hub.Protocol's parser and routes replies, notifications and
// server calls.
public sealed partial class HubClient
{
    /// <summary>Called by a connection's receive loop with each whole message; never throws, never blocks.</summary>
    internal void HandleFrame(ClientConnection connection, WebSocketMessageType type, ReadOnlySpan<byte> frame)
    {
        // PROTOCOL.md: text frames only. A binary frame from the server has no meaning here.
        if (type != WebSocketMessageType.Text)
        {
            return;
        }

        switch (JsonRpcParser.ParseFromServer(frame, _maxDepth))
        {
            case ServerFrame.Unreadable { TooDeep: true }:
                // Like the hub's -32700 for such a message: dropped, as unreadable, and the connection carries on.
                HubClientLog.TooDeep(_logger, connection.Endpoint, _maxDepth);
                break;
            case ServerFrame.Unreadable unreadable:
                // Not JSON: nothing in it can be matched to a call, so there is nobody to tell.
                HubClientLog.NotJson(_logger, connection.Endpoint, unreadable.Reason);
                break;
            case ServerFrame.Batch batch:
                foreach (var entry in batch.Entries)
                {
                    HandleMessage(connection, entry);
                }

                break;
            case ServerFrame.Single { Message: JsonRpcFailure { Id.Kind: RequestIdKind.Null, Error.Code: JsonRpcErrorCodes.InvalidRequest } refusal }:
                // The client only sends well-formed requests with numeric ids, so a lone -32600 without an id refuses
                // a whole batch: one over the server's limit (PROTOCOL.md section 3), or sent to a server that takes
                // none. Inside a batch reply, such an error answers an entry, not the batch.
                if (!connection.Refusals.TryRefuse(HubRpcException.FromError(refusal.Error)))
                {
                    HubClientLog.IgnoredReply(_logger, connection.Endpoint, "null");
                }

                break;
            case ServerFrame.Single single:
                HandleMessage(connection, single.Message);
                break;
        }
    }

    private void HandleMessage(ClientConnection connection, JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcRequest request:
                ServeServerCall(connection, request.Method, request.Params, request.Id);
                return;
            case JsonRpcNotification notification:
                DispatchNotification(notification.Method, notification.Params);
                return;
            case JsonRpcSuccess success:
                Answer(connection, success.Id, success.Result, error: null);
                return;
            case JsonRpcFailure failure:
                Answer(connection, failure.Id, result: null, failure.Error);
                return;
            case JsonRpcInvalid invalid:
                HubClientLog.NotJsonRpc(_logger, connection.Endpoint, invalid.Reason);
                return;
        }
    }

    private void Answer(ClientConnection connection, RequestId id, JToken? result, JsonRpcError? error)
    {
        if (id.Kind == RequestIdKind.Number
            && long.TryParse(id.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var callId))
        {
            // Late or not, a reply tells which batches the server has taken.
            connection.Refusals.Answered(callId);
            if (connection.Pending.TryRemove(callId, out var call))
            {
                if (error is not null)
                {
                    call.TrySetException(HubRpcException.FromError(error));
                }
                else
                {
                    call.TrySetResult(result!);
                }

                return;
            }
        }

        // Any other reply (to a call cancelled or timed out, unknown id, id null) matches no waiting call: dropped.
        HubClientLog.IgnoredReply(_logger, connection.Endpoint, LogText.Of(id));
    }
}
