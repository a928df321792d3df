using Akka.Actor;
using Hub.Auth;
using Hub.Cluster;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>
/// Serves one delegate or object method. Each call runs as a thread-pool work item that tells the caller its
/// reply, so a slow or blocking call never holds this mailbox, and calls run concurrently; a method declared
/// non-blocking (<see cref="HubBuilder.RunInline"/>) runs here instead, one call at a time. Whichever way a call runs,
/// <see cref="MethodReply"/> makes its reply and never throws, so every call is answered and nothing escapes onto
/// the thread pool, where it would end the process.
/// </summary>
internal sealed class DelegateMethodActor : ReceiveActor
{
    private readonly MethodServices _services;
    private readonly MethodReply _replies;
    private readonly ClusterPayload _payload;

    public DelegateMethodActor(MethodHandler handler, MethodServices services, AccessRule access, bool inline)
    {
        _services = services;
        _replies = services.Replies;
        _payload = services.Payload;
        Receive<MethodProtocol.Invoke>(call =>
        {
            var replyTo = Sender;

            // Checked here, on the node that serves the method, whoever routed the call (PROTOCOL.md section 8).
            if (!access.Allows(call.Caller.User))
            {
                MethodReply.Answer(_payload, replyTo, call, MethodReply.Error(call, JsonRpcError.MethodNotFound));
                return;
            }

            // Declared non-blocking (HubBuilder.RunInline): here, one call at a time, a dispatch less per call.
            if (inline)
            {
                Run(handler, call, replyTo);
                return;
            }

            // A work item rather than Task.Run and PipeTo: the handler runs on it directly (a synchronous one blocks a
            // pool thread, never this actor), and the reply is one Tell; no task, closure or continuation besides.
            ThreadPool.UnsafeQueueUserWorkItem(
                static work => work.Actor.Run(work.Handler, work.Call, work.ReplyTo),
                (Actor: this, Handler: handler, Call: call, ReplyTo: replyTo),
                preferLocal: false);
        });
    }

    public static Props Props(MethodHandler handler, MethodServices services, AccessRule access, bool inline = false) =>
        Akka.Actor.Props.Create(() => new DelegateMethodActor(handler, services, access, inline));

    /// <summary>
    /// Runs one call and tells its reply. A handler that returns at once (most do) is answered right here, with no
    /// task and no timer: its caller's connection times the call out in any case. Only a handler that takes a
    /// <see cref="CancellationToken"/> gets one that fires at the timeout, and only a pending call is awaited.
    /// </summary>
    private void Run(MethodHandler handler, MethodProtocol.Invoke call, IActorRef replyTo)
    {
        CancellationTokenSource? timeout = null;
        ValueTask<JToken> pending;
        try
        {
            timeout = handler.TakesCancellation ? new CancellationTokenSource(call.Timeout) : null;
            var context = handler.TakesContext ? _services.ContextOf(call) : null;
            pending = handler.InvokeAsync(context, call.Params, timeout?.Token ?? CancellationToken.None);
        }
        catch (Exception ex)
        {
            var reply = _replies.Failed(call, ex, MethodReply.IsTimeout(ex, timeout));
            timeout?.Dispose();
            MethodReply.Answer(_payload, replyTo, call, reply);
            return;
        }

        if (pending.IsCompletedSuccessfully)
        {
            timeout?.Dispose();
            MethodReply.Answer(_payload, replyTo, call, _replies.Succeeded(call, pending.Result));
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
            // one, else WaitAsync's. When it fires the token is cancelled already; a handler that threw a
            // TimeoutException of its own has finished, so there is nothing left to cancel either.
            var result = await (timeout is null ? pending.WaitAsync(call.Timeout) : pending.WaitAsync(timeout.Token)).ConfigureAwait(false);
            reply = _replies.Succeeded(call, result);
        }
        catch (Exception ex)
        {
            reply = _replies.Failed(call, ex, MethodReply.IsTimeout(ex, timeout));
        }
        finally
        {
            timeout?.Dispose();
        }

        MethodReply.Answer(_payload, replyTo, call, reply);
    }
}
