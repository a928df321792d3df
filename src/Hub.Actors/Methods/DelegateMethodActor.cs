using Akka.Actor;
using Akka.Event;
using Hub.Auth;
using Hub.Protocol;
using Hub.Serialization;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>
/// Serves one delegate or object method. Each call runs as a thread-pool work item that tells the caller its
/// reply, so a slow or blocking call never holds this mailbox, and calls run concurrently; a method declared
/// non-blocking (<see cref="HubBuilder.RunInline"/>) runs here instead, one call at a time.
/// </summary>
internal sealed class DelegateMethodActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ClusterPayload _payload = ClusterPayload.For(Context.System);

    public DelegateMethodActor(MethodHandler handler, IHub hub, AccessRule access, bool inline)
    {
        Receive<MethodProtocol.Invoke>(call =>
        {
            var replyTo = Sender;

            // Checked here, on the node that serves the method, whoever routed the call (PROTOCOL.md section 8).
            if (!access.Allows(call.Caller.User))
            {
                replyTo.Tell(_payload.Completed(replyTo, call, Failure(call, JsonRpcError.MethodNotFound)));
                return;
            }

            // Declared non-blocking (HubBuilder.RunInline): here, one call at a time, a dispatch less per call.
            if (inline)
            {
                Run(handler, hub, call, replyTo);
                return;
            }

            // A work item rather than Task.Run and PipeTo: the handler runs on it directly (a synchronous one blocks a
            // pool thread, never this actor), and the reply is one Tell; no task, closure or continuation besides.
            ThreadPool.UnsafeQueueUserWorkItem(
                static work => work.Actor.Run(work.Handler, work.Hub, work.Call, work.ReplyTo),
                (Actor: this, Handler: handler, Hub: hub, Call: call, ReplyTo: replyTo),
                preferLocal: false);
        });
    }

    public static Props Props(MethodHandler handler, IHub hub, AccessRule access, bool inline = false) =>
        Akka.Actor.Props.Create(() => new DelegateMethodActor(handler, hub, access, inline));

    /// <summary>
    /// Runs one call and tells its reply. A handler that returns at once (most do) is answered right here, with no
    /// task and no timer: its caller's connection times the call out in any case. Only a handler that takes a
    /// <see cref="CancellationToken"/> gets one that fires at the timeout, and only a pending call is awaited.
    /// </summary>
    private void Run(MethodHandler handler, IHub hub, MethodProtocol.Invoke call, IActorRef replyTo)
    {
        var timeout = handler.TakesCancellation ? new CancellationTokenSource(call.Timeout) : null;
        var context = handler.TakesContext
            ? new HubCallContext(call.Caller.ConnectionId, call.Caller.User, call.Params, call.Caller.Connection, hub, call.Timeout)
            : null;
        ValueTask<JToken> pending;
        try
        {
            pending = handler.InvokeAsync(context, call.Params, timeout?.Token ?? CancellationToken.None);
        }
        catch (Exception ex)
        {
            var reply = Failed(call, ex, TimedOut(ex, timeout));
            timeout?.Dispose();
            replyTo.Tell(_payload.Completed(replyTo, call, reply));
            return;
        }

        if (pending.IsCompletedSuccessfully)
        {
            timeout?.Dispose();
            replyTo.Tell(_payload.Completed(replyTo, call, Succeeded(call, pending.Result)));
            return;
        }

        _ = ReplyAsync(pending.AsTask(), timeout, call, replyTo);
    }

    private async Task ReplyAsync(Task<JToken> pending, CancellationTokenSource? timeout, MethodProtocol.Invoke call, IActorRef replyTo)
    {
        byte[]? reply;
        try
        {
            // One timer bounds the wait, even for a handler that ignores its token: the token's own when it takes
            // one, else WaitAsync's.
            var result = await (timeout is null ? pending.WaitAsync(call.Timeout) : pending.WaitAsync(timeout.Token)).ConfigureAwait(false);
            reply = Succeeded(call, result);
        }
        catch (Exception ex)
        {
            var timedOut = TimedOut(ex, timeout);
            if (timedOut && timeout is not null)
            {
                await timeout.CancelAsync().ConfigureAwait(false);
            }

            reply = Failed(call, ex, timedOut);
        }
        finally
        {
            timeout?.Dispose();
        }

        replyTo.Tell(_payload.Completed(replyTo, call, reply));
    }

    /// <summary>A handler's <see cref="TimeoutException"/>, or a cancellation once the call's timeout fired, is answered <c>-32001</c>.</summary>
    private static bool TimedOut(Exception exception, CancellationTokenSource? timeout) =>
        exception is TimeoutException || (exception is OperationCanceledException && timeout is { IsCancellationRequested: true });

    private byte[]? Failed(MethodProtocol.Invoke call, Exception exception, bool timedOut)
    {
        if (exception is HubRpcException rpc)
        {
            return Failure(call, rpc.ToError());
        }

        if (timedOut)
        {
            _log.Warning("Method {Method} timed out after {Timeout} for {ConnectionId}", call.Method, call.Timeout, call.Caller.ConnectionId);
            return Failure(call, JsonRpcError.RequestTimedOut);
        }

        _log.Error(exception, "Method {Method} failed for {ConnectionId}, request {RequestId}", call.Method, call.Caller.ConnectionId, call.Id?.ToString() ?? "(notification)");
        return Failure(call, JsonRpcError.InternalError);
    }

    private byte[]? Succeeded(MethodProtocol.Invoke call, JToken result) => call.Id is { } id ? EncodeResult(id, result, call) : null;

    private byte[] EncodeResult(RequestId id, JToken result, MethodProtocol.Invoke call)
    {
        try
        {
            return JsonRpcEncoder.Success(id, result);
        }
        catch (JsonWriteException ex)
        {
            _log.Error(ex, "Method {Method} returned a result that cannot be written as JSON, for {ConnectionId}", call.Method, call.Caller.ConnectionId);
            return JsonRpcEncoder.Failure(id, JsonRpcError.InternalError);
        }
    }

    private static byte[]? Failure(MethodProtocol.Invoke call, JsonRpcError error) =>
        call.Id is { } id ? JsonRpcEncoder.Failure(id, error) : null;
}
