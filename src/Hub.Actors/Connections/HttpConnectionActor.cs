using System.Security.Claims;
using Akka.Actor;
using Hub.Auth;
using Hub.Diagnostics;
using Hub.Methods;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>
/// One HTTP POST as a connection: it takes one message or batch, writes the one reply (or nothing, for notifications
/// only: 204) and closes. Without a connection to hold them there are no subscriptions, no login and no calls to the
/// client (PROTOCOL.md section 1).
/// </summary>
internal sealed class HttpConnectionActor(string connectionId, ClaimsPrincipal? user, IConnectionTransport transport, ConnectionServices services)
    : ConnectionActor(connectionId, new MethodProtocol.Caller(connectionId, user is null ? HubUser.Anonymous : new HubUser(user), null), transport, services)
{
    private static readonly string[] Names = HubBuilder.BuiltIns[..2];

    public override IReadOnlyList<string> BuiltInNames => Names;

    // The one reply is followed by the close, which only the actor makes.
    public override Outbound? DirectReplies => null;

    protected override KeyValuePair<string, object?> TransportTag => HubMetrics.Http;

    public static Props Props(string connectionId, ClaimsPrincipal? user, IConnectionTransport transport, ConnectionServices services) =>
        Akka.Actor.Props.Create(() => new HttpConnectionActor(connectionId, user, transport, services));

    public override BuiltIn TryBuiltIn(string method, JToken? parameters, ReplyTo replyTo)
    {
        if (method is "get_subscriptions" or "subscribe" or "unsubscribe" or CallMetrics.LoginMethod)
        {
            // These need a connection to hold the subscriptions (PROTOCOL.md section 1).
            Calls.AnswerError(replyTo, JsonRpcError.MethodNotFound);
            return BuiltIn.Answered(JsonRpcErrorCodes.MethodNotFound);
        }

        return BuiltIn.NotBuiltIn;
    }

    // A response outside a request has nothing to answer over HTTP: ignored, as any stray response is.
    public override void OnClientReply(JsonRpcClientReply reply)
    {
    }

    public override void Send(byte[] reply)
    {
        Enqueue(reply);
        CloseGracefully(1000, string.Empty);
    }

    protected override void OnFrame(ReadOnlyMemory<byte> utf8)
    {
        if (!Calls.OnFrame(utf8, ConnectionId))
        {
            // Nothing to answer: the response is 204.
            CloseGracefully(1000, string.Empty);
        }
    }

    protected override bool OnConnectionMessage(object message)
    {
        if (message is ConnectionProtocol.CallClient)
        {
            Sender.Tell(new ConnectionProtocol.ClientUnavailable("The connection cannot take server-to-client calls."));
            return true;
        }

        return false;
    }
}
