using Microsoft.Extensions.Logging;

namespace Hub.Host.Transport;

internal static partial class WebSocketEndpointLog
{
    [LoggerMessage(1, LogLevel.Debug, "WebSocket {ConnectionId} accepted from {RemoteAddress}")]
    public static partial void Accepted(ILogger logger, string connectionId, string? remoteAddress);

    [LoggerMessage(2, LogLevel.Warning, "Closing {ConnectionId}: message of over {Limit} B")]
    public static partial void MessageTooBig(ILogger logger, string connectionId, long limit);

    [LoggerMessage(3, LogLevel.Warning, "Closing {ConnectionId}: binary frame")]
    public static partial void BinaryFrame(ILogger logger, string connectionId);

    [LoggerMessage(4, LogLevel.Debug, "WebSocket {ConnectionId} ended: {Reason}")]
    public static partial void Ended(ILogger logger, string connectionId, string reason);

    [LoggerMessage(5, LogLevel.Information, "Refusing a WebSocket: the node is shutting down")]
    public static partial void RefusedShuttingDown(ILogger logger);

    [LoggerMessage(6, LogLevel.Warning, "Refusing a WebSocket: this node holds its maximum of {Limit} connections")]
    public static partial void RefusedFull(ILogger logger, int limit);

    [LoggerMessage(7, LogLevel.Warning, "Closing {ConnectionId}: a message still incomplete after {Timeout}")]
    public static partial void AssemblyTimedOut(ILogger logger, string connectionId, TimeSpan timeout);

    [LoggerMessage(8, LogLevel.Warning, "Closing {ConnectionId} with 1013: no room for its message in the node's inbound budget of {Limit} B within {Timeout}")]
    public static partial void NoInboundBudget(ILogger logger, string connectionId, long limit, TimeSpan timeout);

    [LoggerMessage(9, LogLevel.Information, "Open-files limit {Limit} ({InUse} open at start): this node holds at most {WebSockets} WebSockets and {Other} other connections at once; past them a WebSocket upgrade answers 503 and another connection is closed on accept. Raise the limit (ulimit -n, systemd's LimitNOFILE, docker's --ulimit nofile) to hold more")]
    public static partial void OpenFilesLimit(ILogger logger, long limit, long inUse, int webSockets, int other);
}
