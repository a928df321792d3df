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
}
