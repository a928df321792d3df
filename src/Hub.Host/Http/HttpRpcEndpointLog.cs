using Microsoft.Extensions.Logging;

namespace Hub.Host.Http;

internal static partial class HttpRpcEndpointLog
{
    [LoggerMessage(1, LogLevel.Debug, "HTTP call {TraceIdentifier} aborted by the client: {Reason}", EventName = "HttpCallAborted")]
    public static partial void Aborted(ILogger logger, string traceIdentifier, string reason);

    [LoggerMessage(2, LogLevel.Error, "HTTP call {ConnectionId} ended with close code {Code}: {Reason}")]
    public static partial void EndedAbnormally(ILogger logger, string connectionId, int code, string reason);
}
