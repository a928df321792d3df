using Akka.Actor;
using Akka.Event;
using Hub.Auth;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>
/// Serves one delegate or object method. Each call runs as a thread-pool work item that tells the caller its
/// reply, so a slow or blocking call never holds this mailbox, and calls run concurrently.
/// </summary>
internal sealed class DelegateMethodActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public DelegateMethodActor(MethodHandler handler, IHub hub, AccessRule access)
    {
        Receive<MethodProtocol.Invoke>(call =>
        {
            var replyTo = Sender;

            // Checked here, on the node that serves the method, whoever routed the call (PROTOCOL.md section 8).
            if (!access.Allows(call.Caller.User))
            {
                replyTo.Tell(new MethodProtocol.Completed(call.CallKey, Failure(call, JsonRpcError.MethodNotFound)));
                return;
            }

            // A work item rather than Task.Run and PipeTo: the handler runs on it directly (a synchronous one blocks a
            // pool thread, never this actor), and the reply is one Tell; no task, closure or continuation besides.
            ThreadPool.UnsafeQueueUserWorkItem(
                static work => _ = work.Actor.ReplyAsync(work.Handler, work.Hub, work.Call, work.ReplyTo),
                (Actor: this, Handler: handler, Hub: hub, Call: call, ReplyTo: replyTo),
                preferLocal: false);
        });
    }

    public static Props Props(MethodHandler handler, IHub hub, AccessRule access) => Akka.Actor.Props.Create(() => new DelegateMethodActor(handler, hub, access));

    private async Task ReplyAsync(MethodHandler handler, IHub hub, MethodProtocol.Invoke call, IActorRef replyTo)
    {
        var reply = await RunAsync(handler, hub, call).ConfigureAwait(false);
        replyTo.Tell(new MethodProtocol.Completed(call.CallKey, reply));
    }

    private async Task<byte[]?> RunAsync(MethodHandler handler, IHub hub, MethodProtocol.Invoke call)
    {
        using var timeout = new CancellationTokenSource(call.Timeout);
        var context = new HubCallContext(call.Caller.ConnectionId, call.Caller.User, call.Params, call.Caller.Connection, hub, call.Timeout);
        try
        {
            // The wait ends on the same token the handler gets, so one timer per call bounds both, even for a
            // handler that ignores it.
            var result = await handler.InvokeAsync(context, call.Params, timeout.Token)
                .WaitAsync(timeout.Token)
                .ConfigureAwait(false);
            return call.Id is { } id ? EncodeResult(id, result, call) : null;
        }
        catch (HubRpcException ex)
        {
            return Failure(call, ex.ToError());
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && timeout.IsCancellationRequested))
        {
            await timeout.CancelAsync().ConfigureAwait(false);
            _log.Warning("Method {Method} timed out after {Timeout} for {ConnectionId}", call.Method, call.Timeout, call.Caller.ConnectionId);
            return Failure(call, JsonRpcError.RequestTimedOut);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "Method {Method} failed for {ConnectionId}, request {RequestId}", call.Method, call.Caller.ConnectionId, call.Id?.ToString() ?? "(notification)");
            return Failure(call, JsonRpcError.InternalError);
        }
    }

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
