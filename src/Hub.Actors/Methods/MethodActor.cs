using Akka.Actor;
using Akka.Event;
using Hub.Protocol;
using Hub.Serialization;

namespace Hub.Methods;

/// <summary>
/// Base class for methods written as actors (<see cref="HubBuilder.AddMethodActor{TActor}"/>). Calls arrive one at a
/// time, in order, so the actor may keep state without locks. Return the result from <see cref="OnCallAsync"/>;
/// throw <see cref="HubRpcException"/> to choose the error. Any other exception is logged, answered with
/// <c>-32603</c>, and restarts the actor (its state is rebuilt by its constructor), as Akka's default
/// supervision does.
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
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ClusterPayload _payload = ClusterPayload.For(Context.System);

    /// <summary>Creates the actor and starts taking calls.</summary>
    protected MethodActor()
    {
        ReceiveAsync<MethodProtocol.Invoke>(InvokeAsync);
    }

    /// <summary>Serves one call; the returned value is serialized with Newtonsoft.Json as the result.</summary>
    /// <param name="request">The call: params, caller, cancellation at the method's timeout.</param>
    protected abstract Task<object?> OnCallAsync(MethodCall request);

    private async Task InvokeAsync(MethodProtocol.Invoke invoke)
    {
        var replyTo = Sender;
        var runtime = HubRuntime.Get(Context.System);
        if (runtime.TryGetMethod(invoke.Method, out var target) && !target.Access.Allows(invoke.Caller.User))
        {
            replyTo.Tell(_payload.Completed(replyTo, invoke, Encode(invoke, JsonRpcError.MethodNotFound)));
            return;
        }

        using var timeout = new CancellationTokenSource(invoke.Timeout);
        var context = new HubCallContext(invoke.Caller.ConnectionId, invoke.Caller.User, invoke.Params, invoke.Caller.Connection, runtime, invoke.Timeout);
        byte[]? reply;
        Exception? crash = null;
        try
        {
            var result = await OnCallAsync(new MethodCall(invoke.Method, context, runtime.Serializer, timeout.Token)).ConfigureAwait(true);
            var token = MethodHandler.ToToken(result, runtime.Serializer);
            reply = invoke.Id is { } id ? JsonRpcEncoder.Success(id, token) : null;
        }
        catch (HubRpcException ex)
        {
            reply = Encode(invoke, ex.ToError());
        }
        catch (JsonWriteException ex)
        {
            _log.Error(ex, "Method {Method} returned a result that cannot be written as JSON, for {ConnectionId}", invoke.Method, invoke.Caller.ConnectionId);
            reply = Encode(invoke, JsonRpcError.InternalError);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "Method actor {Method} failed for {ConnectionId}, request {RequestId}; restarting it", invoke.Method, invoke.Caller.ConnectionId, invoke.Id?.ToString() ?? "(notification)");
            reply = Encode(invoke, JsonRpcError.InternalError);
            crash = ex;
        }

        replyTo.Tell(_payload.Completed(replyTo, invoke, reply));
        if (crash is not null)
        {
            throw new MethodActorCrashedException(invoke.Method, crash);
        }
    }

    private static byte[]? Encode(MethodProtocol.Invoke invoke, JsonRpcError error) =>
        invoke.Id is { } id ? JsonRpcEncoder.Failure(id, error) : null;
}
