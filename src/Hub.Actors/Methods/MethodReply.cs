using Akka.Actor;
using Hub.Cluster;
using Hub.Diagnostics;
using Hub.Protocol;
using Hub.Protocol.Diagnostics;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>
/// Turns the outcome of one call (its result, a <see cref="HubRpcException"/>, any other exception, its timeout) into
/// its reply bytes, for delegate methods and method actors alike, and logs what the node should hear of. Never
/// throws: an answer that cannot be written (NaN, Infinity or a lone surrogate in a result, or in an error's message
/// or data) is answered <c>-32603</c> and logged once, so no handler's answer can lose its reply or end the process.
/// </summary>
internal sealed class MethodReply(ILogger logger)
{
    /// <summary>
    /// Answers the caller of <paramref name="call"/> with <paramref name="reply"/>: written at once when the caller is a
    /// connection on this node that took it directly, then told as <see cref="MethodProtocol.Completed"/> (which the
    /// size rule may turn into <c>-32603</c> for a caller on another node).
    /// </summary>
    public static void Answer(ClusterPayload payload, IActorRef replyTo, MethodProtocol.Invoke call, byte[]? reply)
    {
        if (reply is not null)
        {
            call.Direct?.Write(reply);
        }

        replyTo.Tell(payload.Completed(replyTo, call, reply));
    }

    /// <summary>The reply to a call whose handler returned <paramref name="result"/>; null for a notification.</summary>
    public byte[]? Succeeded(MethodProtocol.Invoke call, JToken result)
    {
        if (call.Id is not { } id)
        {
            return null;
        }

        try
        {
            return JsonRpcEncoder.Success(id, result);
        }
        catch (Exception ex)
        {
            // Any exception, not only JsonWriteException: this is the last step before the reply would be lost.
            Log(() => MethodLog.Unwritable(logger, LogText.Cut(call.Method), call.Caller.ConnectionId, LogText.Of(id), "a result", ex.Message));
            return JsonRpcEncoder.Failure(id, JsonRpcError.InternalError);
        }
    }

    /// <summary>
    /// The reply to a call whose handler threw <paramref name="exception"/>: a <see cref="HubRpcException"/>'s own
    /// error, <c>-32001</c> when the call <paramref name="timedOut"/>, else <c>-32603</c> with the exception logged
    /// (as a method actor's that restarts, with <paramref name="restarting"/>). Null for a notification.
    /// </summary>
    public byte[]? Failed(MethodProtocol.Invoke call, Exception exception, bool timedOut, bool restarting = false)
    {
        if (exception is HubRpcException rpc)
        {
            return Chosen(call, rpc);
        }

        if (timedOut)
        {
            Log(() => MethodLog.TimedOut(logger, LogText.Cut(call.Method), call.Timeout, call.Caller.ConnectionId, LogText.Of(call.Id)));
            return Error(call, JsonRpcError.RequestTimedOut);
        }

        Log(() =>
        {
            if (restarting)
            {
                MethodLog.ActorFailed(logger, exception, LogText.Cut(call.Method), call.Caller.ConnectionId, LogText.Of(call.Id));
            }
            else
            {
                MethodLog.Failed(logger, exception, LogText.Cut(call.Method), call.Caller.ConnectionId, LogText.Of(call.Id));
            }
        });
        return Error(call, JsonRpcError.InternalError);
    }

    /// <summary>The reply carrying one of the protocol's own errors; null for a notification.</summary>
    public static byte[]? Error(MethodProtocol.Invoke call, JsonRpcError error) =>
        call.Id is { } id ? JsonRpcEncoder.Failure(id, error) : null;

    /// <summary>
    /// Whether <paramref name="exception"/> ended a call by its timeout: a <see cref="TimeoutException"/>, or a
    /// cancellation once the call's own <paramref name="timeout"/> fired.
    /// </summary>
    public static bool IsTimeout(Exception exception, CancellationTokenSource? timeout) =>
        exception is TimeoutException || (exception is OperationCanceledException && timeout is { IsCancellationRequested: true });

    private byte[]? Chosen(MethodProtocol.Invoke call, HubRpcException rpc)
    {
        if (call.Id is not { } id)
        {
            return null;
        }

        try
        {
            return JsonRpcEncoder.Failure(id, rpc.ToError());
        }
        catch (Exception ex)
        {
            Log(() => MethodLog.Unwritable(logger, LogText.Cut(call.Method), call.Caller.ConnectionId, LogText.Of(id), "error " + rpc.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message));
            return JsonRpcEncoder.Failure(id, JsonRpcError.InternalError);
        }
    }

    private static void Log(Action write)
    {
        try
        {
            write();
        }
        catch (Exception)
        {
            // A log provider that throws (Microsoft.Extensions.Logging rethrows its providers' exceptions) must not cost
            // the caller its reply; there is nowhere left to report it.
        }
    }
}
