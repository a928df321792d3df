using Akka.Actor;
using Hub.Cluster;
using Newtonsoft.Json;

namespace Hub.Methods;

/// <summary>
/// What every method actor of a node uses besides its own handler and access rule, given to it through its
/// <c>Props</c> by the engine: publishing (<see cref="Hub"/>), calls back to the client, the serializer of params and
/// results, the maker of replies, and the size rule for replies to other nodes.
/// </summary>
internal sealed record MethodServices(IHub Hub, IClientCaller ClientCaller, JsonSerializer Serializer, MethodReply Replies, ClusterPayload Payload)
{
    /// <summary>The context a handler sees of <paramref name="call"/>.</summary>
    public HubCallContext ContextOf(MethodProtocol.Invoke call) =>
        new(call.Caller.ConnectionId, call.Caller.User, call.Params, call.Caller.Connection, Hub, ClientCaller, call.Timeout);

    /// <summary>
    /// Answers the caller of <paramref name="call"/> with <paramref name="reply"/>: written at once when the caller is a
    /// connection on this node that took it directly, then told as <see cref="MethodProtocol.Completed"/> (which the
    /// size rule may turn into <c>-32603</c> for a caller on another node).
    /// </summary>
    public void Answer(IActorRef replyTo, MethodProtocol.Invoke call, byte[]? reply)
    {
        if (reply is not null)
        {
            call.Direct?.Write(reply);
        }

        replyTo.Tell(Payload.Completed(replyTo, call, reply));
    }
}
