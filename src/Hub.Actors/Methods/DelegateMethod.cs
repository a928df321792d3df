using Akka.Actor;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>
/// Runs the calls of one delegate or object method: for its <see cref="DelegateMethodActor"/> (calls routed from
/// other nodes, and those its actor is sent) and for a connection on this node that runs a call itself, with no hop
/// through the method's mailbox. A method declared non-blocking (<see cref="Inline"/>) runs on the caller's thread,
/// one call of the method at a time on the node (<see cref="TryRunHere"/>); any other as a thread-pool work item
/// (<see cref="Run"/>). Either way <see cref="MethodReply"/> makes the reply and never throws, so every call is
/// answered and nothing escapes onto the thread pool, where it would end the process.
/// </summary>
internal sealed class DelegateMethod(MethodHandler handler, MethodServices services, bool inline)
{
    // Inline calls of the method start one at a time on the node, whichever thread runs them.
    private readonly Lock _gate = new();

    /// <summary>Declared non-blocking (<see cref="HubBuilder.RunInline"/>): runs on the caller's thread.</summary>
    public bool Inline => inline;

    /// <summary>
    /// Runs <paramref name="call"/> as the method is declared to, its reply going to <paramref name="replyTo"/>: here
    /// when <see cref="Inline"/>; else on a thread-pool work item rather than Task.Run and PipeTo, the handler run on
    /// it directly (a synchronous one blocks a pool thread, never the caller) and the reply one Tell, with no task,
    /// closure or continuation besides.
    /// </summary>
    public void Run(MethodProtocol.Invoke call, IActorRef replyTo)
    {
        if (inline)
        {
            RunAndAnswer(call, replyTo);
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(
            static work => work.Method.RunAndAnswer(work.Call, work.ReplyTo),
            (Method: this, Call: call, ReplyTo: replyTo),
            preferLocal: false);
    }

    /// <summary>
    /// Runs an inline call on the caller's thread. True when it finished at once, with its <paramref name="reply"/>
    /// (null for a notification) for the caller to answer; false when the handler is still pending: its reply then
    /// goes to <paramref name="replyTo"/> as <see cref="MethodReply.Answer"/> sends it.
    /// </summary>
    public bool TryRunHere(MethodProtocol.Invoke call, IActorRef replyTo, out byte[]? reply)
    {
        lock (_gate)
        {
            return TryRun(call, replyTo, out reply);
        }
    }

    private void RunAndAnswer(MethodProtocol.Invoke call, IActorRef replyTo)
    {
        byte[]? reply;
        var done = inline ? TryRunHere(call, replyTo, out reply) : TryRun(call, replyTo, out reply);
        if (done)
        {
            MethodReply.Answer(services.Payload, replyTo, call, reply);
        }
    }

    /// <summary>
    /// A handler that returns at once (most do) is answered with no task and no timer: its caller's connection times
    /// the call out in any case. Only a handler that takes a <see cref="CancellationToken"/> gets one that fires at
    /// the timeout, and only a pending call is awaited.
    /// </summary>
    private bool TryRun(MethodProtocol.Invoke call, IActorRef replyTo, out byte[]? reply)
    {
        CancellationTokenSource? timeout = null;
        ValueTask<JToken> pending;
        try
        {
            timeout = handler.TakesCancellation ? new CancellationTokenSource(call.Timeout) : null;
            var context = handler.TakesContext ? services.ContextOf(call) : null;
            pending = handler.InvokeAsync(context, call.Params, timeout?.Token ?? CancellationToken.None);
        }
        catch (Exception ex)
        {
            reply = services.Replies.Failed(call, ex, MethodReply.IsTimeout(ex, timeout));
            timeout?.Dispose();
            return true;
        }

        if (pending.IsCompletedSuccessfully)
        {
            timeout?.Dispose();
            reply = services.Replies.Succeeded(call, pending.Result);
            return true;
        }

        reply = null;
        _ = ReplyAsync(pending.AsTask(), timeout, call, replyTo);
        return false;
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
            reply = services.Replies.Succeeded(call, result);
        }
        catch (Exception ex)
        {
            reply = services.Replies.Failed(call, ex, MethodReply.IsTimeout(ex, timeout));
        }
        finally
        {
            timeout?.Dispose();
        }

        MethodReply.Answer(services.Payload, replyTo, call, reply);
    }
}
