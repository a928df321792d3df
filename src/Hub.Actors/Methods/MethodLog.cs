using Microsoft.Extensions.Logging;

namespace Hub.Methods;

/// <summary>
/// What the node logs about calls to its methods (<see cref="MethodReply"/>). Written to an <see cref="ILogger"/>, not
/// through Akka's logging: Akka.Hosting's bridge writes an event's exception both into its text and as the exception,
/// so every stack trace would be printed twice.
/// </summary>
internal static partial class MethodLog
{
    [LoggerMessage(1, LogLevel.Error, "Method {Method} failed for {ConnectionId}, request {RequestId}")]
    public static partial void Failed(ILogger logger, Exception exception, string method, string connectionId, string requestId);

    [LoggerMessage(2, LogLevel.Error, "Method actor {Method} failed for {ConnectionId}, request {RequestId}; restarting it")]
    public static partial void ActorFailed(ILogger logger, Exception exception, string method, string connectionId, string requestId);

    [LoggerMessage(3, LogLevel.Warning, "Method {Method} timed out after {Timeout} for {ConnectionId}, request {RequestId}")]
    public static partial void TimedOut(ILogger logger, string method, TimeSpan timeout, string connectionId, string requestId);

    // The answer's own text stays out: it is what cannot be written, and a JSON log sink may fail on it as well.
    [LoggerMessage(4, LogLevel.Error, "Method {Method} answered {ConnectionId}, request {RequestId}, with {Answer} that cannot be written as JSON ({Reason}); answered -32603 instead")]
    public static partial void Unwritable(ILogger logger, string method, string connectionId, string requestId, string answer, string reason);
}
