using Hub.Methods;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>The kind of connection a <see cref="CallDispatcher"/> works for (WebSocket or HTTP): what differs between them.</summary>
internal interface ICallOwner
{
    /// <summary>Who is calling; the user changes with a login.</summary>
    MethodProtocol.Caller Caller { get; }

    /// <summary>The built-ins <c>get_methods</c> lists on this kind of connection, in protocol order.</summary>
    IReadOnlyList<string> BuiltInNames { get; }

    /// <summary>
    /// Where a method on this node may write its reply at once (<see cref="DirectReply"/>); null when every reply must
    /// pass through the connection (HTTP closes after its one reply).
    /// </summary>
    Outbound? DirectReplies { get; }

    /// <summary>Runs a built-in of this kind of connection other than <c>get_methods</c> and <c>get_topics</c>.</summary>
    BuiltIn TryBuiltIn(string method, JToken? parameters, ReplyTo replyTo);

    /// <summary>The client's answer to a server-to-client call (a response outside any batch).</summary>
    void OnClientReply(JsonRpcClientReply reply);

    /// <summary>Writes a whole reply: one response, or a batch's responses.</summary>
    void Send(byte[] reply);
}
