using Akka.Actor;
using Hub.Auth;
using Hub.Protocol;

namespace Hub.Methods;

/// <summary>
/// Serves one delegate or object method to the calls its actor is sent (those routed from other nodes; a connection
/// on this node runs its calls through the same <see cref="DelegateMethod"/> without this hop). Each call runs as a
/// thread-pool work item, so a slow or blocking call never holds this mailbox, and calls run concurrently; a method
/// declared non-blocking (<see cref="HubBuilder.RunInline"/>) runs here instead, one call of the method at a time on
/// the node.
/// </summary>
internal sealed class DelegateMethodActor : ReceiveActor
{
    public DelegateMethodActor(DelegateMethod method, MethodServices services, AccessRule access)
    {
        var payload = services.Payload;
        Receive<MethodProtocol.Invoke>(call =>
        {
            var replyTo = Sender;

            // Checked here, on the node that serves the method, whoever routed the call (PROTOCOL.md section 8).
            if (!access.Allows(call.Caller.User))
            {
                MethodReply.Answer(payload, replyTo, call, MethodReply.Error(call, JsonRpcError.MethodNotFound));
                return;
            }

            method.Run(call, replyTo);
        });
    }

    public static Props Props(DelegateMethod method, MethodServices services, AccessRule access) =>
        Akka.Actor.Props.Create(() => new DelegateMethodActor(method, services, access));
}
