using Akka.Actor;
using Hub.Cluster;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>The cluster's size rule (<see cref="ClusterPayload"/>) applied to the messages of a call: the call routed to another node, and its reply.</summary>
internal static class MethodPayload
{
    /// <summary>
    /// The <c>-32602</c> to answer a call to <paramref name="method"/> on another node that cannot get there, or null
    /// when it can; it came in a frame of <paramref name="frameBytes"/> (<see cref="ClusterPayload.RefuseCall"/>).
    /// </summary>
    public static JsonRpcError? RefuseRoutedCall(this ClusterPayload payload, RequestId? id, string method, JToken? parameters, MethodProtocol.Caller caller, long frameBytes) =>
        payload.RefuseCall(id, method, parameters, caller.ConnectionId, caller.User, frameBytes);

    /// <summary>
    /// The reply to tell <paramref name="replyTo"/>: <paramref name="reply"/>, or <c>-32603</c> in its place when the
    /// caller is on another node and the reply cannot get there.
    /// </summary>
    public static MethodProtocol.Completed Completed(this ClusterPayload payload, IActorRef replyTo, MethodProtocol.Invoke call, byte[]? reply) =>
        new(call.CallKey, payload.Reply(replyTo, call.Id, call.Method, call.Caller.ConnectionId, reply));
}
