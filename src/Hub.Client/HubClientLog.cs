using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Hub.Client;

/// <summary>The client's log messages (STYLE.md: stable event ids, one placeholder per concept, no payloads above Trace).</summary>
internal static partial class HubClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected to {Endpoint}")]
    public static partial void Connected(ILogger logger, Uri endpoint);

    [LoggerMessage(2, LogLevel.Warning, "Connection to {Endpoint} lost ({CloseStatus} {CloseDescription}); reconnecting")]
    public static partial void Lost(ILogger logger, Uri endpoint, WebSocketCloseStatus? closeStatus, string? closeDescription, Exception? exception);

    [LoggerMessage(3, LogLevel.Debug, "Reconnect attempt {Attempt} to {Endpoint} in {Delay}")]
    public static partial void Attempt(ILogger logger, int attempt, Uri endpoint, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Debug, "Reconnect attempt {Attempt} to {Endpoint} failed")]
    public static partial void AttemptFailed(ILogger logger, int attempt, Uri endpoint, Exception exception);

    [LoggerMessage(5, LogLevel.Error, "Gave up reconnecting: {Reason}")]
    public static partial void GaveUp(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(6, LogLevel.Warning, "Could not subscribe to {Topic} again after reconnecting")]
    public static partial void ResubscribeFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(7, LogLevel.Error, "The handler of {Name} failed")]
    public static partial void HandlerFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(8, LogLevel.Error, "A StateChanged handler failed")]
    public static partial void StateHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "The consumer of {Topic} fell {Capacity} notifications behind; its stream ends")]
    public static partial void StreamOverflow(ILogger logger, string topic, int capacity);

    [LoggerMessage(10, LogLevel.Debug, "Connection to {Endpoint} ended: {Reason}")]
    public static partial void Stopped(ILogger logger, Uri? endpoint, string reason);

    [LoggerMessage(11, LogLevel.Trace, "Ignored a frame from {Endpoint} that is not JSON: {Reason}")]
    public static partial void NotJson(ILogger logger, Uri endpoint, string reason);

    [LoggerMessage(12, LogLevel.Trace, "Ignored a reply from {Endpoint} with id {RequestId}: no call waits for it")]
    public static partial void IgnoredReply(ILogger logger, Uri endpoint, string requestId);

    [LoggerMessage(13, LogLevel.Warning, "Closing the connection to {Endpoint}: a message over {Limit} B")]
    public static partial void MessageTooBig(ILogger logger, Uri endpoint, long limit);

    [LoggerMessage(14, LogLevel.Warning, "Ignored a message from {Endpoint} nested deeper than {Limit} levels")]
    public static partial void TooDeep(ILogger logger, Uri endpoint, int limit);

    [LoggerMessage(15, LogLevel.Warning, "The handler of {Topic} fell {Capacity} notifications behind; its subscription ends")]
    public static partial void HandlerOverflow(ILogger logger, string topic, int capacity);

    [LoggerMessage(16, LogLevel.Trace, "Ignored a message from {Endpoint} that is not a JSON-RPC 2.0 reply, notification or call: {Reason}")]
    public static partial void NotJsonRpc(ILogger logger, Uri endpoint, string reason);

    [LoggerMessage(17, LogLevel.Debug, "Answered a call from {Endpoint} with -32002: {Limit} of its calls are being handled already")]
    public static partial void TooManyServerCalls(ILogger logger, Uri endpoint, int limit);
}
