using Akka.Actor;
using Hub.Auth;
using Hub.Protocol;

namespace Hub.Methods;

/// <summary>
/// Base class for methods written as actors (<see cref="HubBuilder.AddMethodActor{TActor}"/>). Calls arrive one at a
/// time, in order, so the actor may keep state without locks. Return the result from <see cref="OnCallAsync"/>;
/// throw <see cref="HubRpcException"/> to choose the error. A call past its timeout is answered <c>-32001</c>. Any
/// other exception is logged, answered with <c>-32603</c>, and restarts the actor (its state is rebuilt by its
/// constructor), as Akka's default supervision does.
/// </summary>
/// <example>
/// <code>
/// public sealed class CounterActor : MethodActor
/// {
///     private long _count;
///
///     protected override Task&lt;object?&gt; OnCallAsync(MethodCall request) =>
///         Task.FromResult&lt;object?&gt;(_count += request.Param(0, "by", 1L));
/// }
///
/// hub.AddMethodActor&lt;CounterActor&gt;("counter");
/// </code>
/// </example>
public abstract class MethodActor : ReceiveActor
{
    private MethodServices? _services;
    private AccessRule _access = new();

    /// <summary>Creates the actor and starts taking calls.</summary>
    protected MethodActor()
    {
        ReceiveAsync<MethodProtocol.Invoke>(InvokeAsync);
    }

    /// <summary>Serves one call; the returned value is serialized with Newtonsoft.Json as the result.</summary>
    /// <param name="request">The call: params, caller, cancellation at the method's timeout.</param>
    protected abstract Task<object?> OnCallAsync(MethodCall request);

    /// <summary>Given by <see cref="MethodActorProducer"/> before the first message: what the method's calls are served with.</summary>
    internal void Serve(MethodServices services, AccessRule access)
    {
        _services = services;
        _access = access;
    }

    private async Task InvokeAsync(MethodProtocol.Invoke invoke)
    {
        var replyTo = Sender;
        var services = _services ?? throw new InvalidOperationException($"{GetType().Name} serves calls only as registered with HubBuilder.AddMethodActor.");
        if (!_access.Allows(invoke.Caller.User))
        {
            MethodReply.Answer(services.Payload, replyTo, invoke, MethodReply.Error(invoke, JsonRpcError.MethodNotFound));
            return;
        }

        using var timeout = new CancellationTokenSource(invoke.Timeout);
        byte[]? reply;
        Exception? crash = null;
        try
        {
            var result = await OnCallAsync(new MethodCall(invoke.Method, services.ContextOf(invoke), services.Serializer, timeout.Token)).ConfigureAwait(true);
            reply = services.Replies.Succeeded(invoke, MethodHandler.ToToken(result, services.Serializer));
        }
        catch (Exception ex)
        {
            // The handler's chosen error and its timeout are answers, not faults: only anything else restarts the actor.
            var timedOut = MethodReply.IsTimeout(ex, timeout);
            crash = ex is HubRpcException || timedOut ? null : ex;
            reply = services.Replies.Failed(invoke, ex, timedOut, restarting: crash is not null);
        }

        MethodReply.Answer(services.Payload, replyTo, invoke, reply);
        if (crash is not null)
        {
            // Logged above with the call it failed; HubGuardianStrategy restarts the actor without logging it again.
            throw new MethodActorCrashedException(invoke.Method, crash);
        }
    }
}
