using Microsoft.Extensions.Logging;

namespace Hub.Host.Http;

internal static partial class HttpRpcEndpointLog
{
    [LoggerMessage(1, LogLevel.Debug, "HTTP call {TraceIdentifier} aborted by the client: {Reason}", EventName = "HttpCallAborted")]
    public static partial void Aborted(ILogger logger, string traceIdentifier, string reason);

    [LoggerMessage(2, LogLevel.Error, "HTTP call {ConnectionId} ended with close code {Code}: {Reason}")]
    public static partial void EndedAbnormally(ILogger logger, string connectionId, int code, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Refusing an HTTP call: this node serves its maximum of {Limit} at once")]
    public static partial void RefusedFull(ILogger logger, int limit);

    [LoggerMessage(4, LogLevel.Warning, "Answering 408 to HTTP call {TraceIdentifier}: its body still incomplete after {Timeout}")]
    public static partial void BodyTimedOut(ILogger logger, string traceIdentifier, TimeSpan timeout);

    [LoggerMessage(5, LogLevel.Warning, "Answering 503 to HTTP call {TraceIdentifier}: no room for its body in the node's inbound budget of {Limit} B within {Timeout}")]
    public static partial void NoInboundBudget(ILogger logger, string traceIdentifier, long limit, TimeSpan timeout);

    [LoggerMessage(6, LogLevel.Debug, "HTTP call {TraceIdentifier}: body unreadable ({Reason}), status {StatusCode}", EventName = "HttpBodyUnreadable")]
    public static partial void BodyUnreadable(ILogger logger, string traceIdentifier, string reason, int statusCode);
}
