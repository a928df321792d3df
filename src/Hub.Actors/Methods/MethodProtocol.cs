using Akka.Actor;
using Hub.Auth;
using Hub.Cluster;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>Messages between a connection and the method-handler actors.</summary>
internal static class MethodProtocol
{
    /// <summary>Who is calling: the connection's id and user, and its actor (absent over HTTP).</summary>
    public sealed record Caller(string ConnectionId, HubUser User, IActorRef? Connection);

    /// <summary>
    /// Runs one call. <see cref="Id"/> is null for a notification, which gets no reply bytes. <see cref="Direct"/>: where
    /// a connection on this node takes the reply at once (<see cref="MethodReply.Answer"/>); never serialized.
    /// </summary>
    public sealed record Invoke(long CallKey, RequestId? Id, string Method, JToken? Params, Caller Caller, TimeSpan Timeout, IDirectReply? Direct = null) : IClusterMessage;

    /// <summary>A call finished: <see cref="Reply"/> is the encoded reply, or null for a notification.</summary>
    public sealed record Completed(long CallKey, byte[]? Reply) : IClusterMessage;
}
