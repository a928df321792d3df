using System.Security.Claims;
using Akka.Actor;
using Akka.Event;
using Hub.Auth;
using Hub.Cluster;
using Hub.Diagnostics;
using Hub.Methods;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>
/// One WebSocket connection: its user (and login), its subscriptions, and the calls the server makes to the client
/// (PROTOCOL.md section 7); it stays open until either side closes it.
/// </summary>
internal sealed partial class WebSocketConnectionActor : ConnectionActor
{
    private readonly Dictionary<string, IActorRef> _clientCalls = new(StringComparer.Ordinal);
    private long _nextClientCall;

    public WebSocketConnectionActor(string connectionId, ClaimsPrincipal? user, IConnectionTransport transport, ConnectionServices services)
        : base(connectionId, new MethodProtocol.Caller(connectionId, user is null ? HubUser.Anonymous : new HubUser(user), null), transport, services)
    {
        Caller = Caller with { Connection = Self };
    }

    public override IReadOnlyList<string> BuiltInNames => HubBuilder.BuiltIns;

    public override Outbound? DirectReplies => Outbound;

    protected override KeyValuePair<string, object?> TransportTag => HubMetrics.WebSocket;

    private HubUser User => Caller.User;

    public static Props Props(string connectionId, ClaimsPrincipal? user, IConnectionTransport transport, ConnectionServices services) =>
        Akka.Actor.Props.Create(() => new WebSocketConnectionActor(connectionId, user, transport, services));

    public override BuiltIn TryBuiltIn(string method, JToken? parameters, ReplyTo replyTo)
    {
        switch (method)
        {
            case "get_subscriptions":
                Calls.AnswerResult(replyTo, CurrentSubscriptions());
                return BuiltIn.Answered();
            case "subscribe":
                return Subscribe(parameters, replyTo);
            case "unsubscribe":
                return Unsubscribe(parameters, replyTo);
            case CallMetrics.LoginMethod when Services.Authenticator is not null:
                return Login(parameters, replyTo);
            default:
                return BuiltIn.NotBuiltIn;
        }
    }

    public override void Send(byte[] reply) => Enqueue(reply);

    protected override void OnFrame(ReadOnlyMemory<byte> utf8) => Calls.OnFrame(utf8, ConnectionId);

    protected override void PreStart()
    {
        base.PreStart();
        ScheduleExpiry();
    }

    protected override void PostStop()
    {
        foreach (var asker in _clientCalls.Values)
        {
            asker.Tell(new ConnectionProtocol.ClientUnavailable("The connection closed before the client answered."));
        }

        base.PostStop();
    }

    protected override bool OnConnectionMessage(object message)
    {
        switch (message)
        {
            case Topics.TopicProtocol.Subscribed subscribed:
                OnSubscribed(subscribed);
                return true;
            case ConnectionProtocol.CallClient call:
                OnCallClient(call);
                return true;
            case ClientCallExpired expired:
                _clientCalls.Remove(expired.Id);
                return true;
            case ConnectionProtocol.InboundCompleted completed:
                // The transport has ended the socket (client close, abort, or a frame limit); nothing more can be sent.
                Outbound.TransportEnded();
                if (completed.Cause is not null)
                {
                    Log.Debug("Connection {ConnectionId} ended: {Reason}", ConnectionId, completed.Cause.Message);
                }

                Context.Stop(Self);
                return true;
            case AuthenticationExpired:
                Log.Info("Closing {ConnectionId}: the authentication of {User} expired", ConnectionId, User.Name ?? "(anonymous)");
                CloseGracefully(1008, "authentication expired");
                return true;
            case LoginChecked checkedLogin:
                OnLoginChecked(checkedLogin);
                return true;
            default:
                return false;
        }
    }

    private void OnCallClient(ConnectionProtocol.CallClient call)
    {
        if (Outbound.IsClosing)
        {
            Sender.Tell(new ConnectionProtocol.ClientUnavailable("The connection cannot take server-to-client calls."));
            return;
        }

        var id = "s:" + ++_nextClientCall;
        _clientCalls[id] = Sender;
        Timers.StartSingleTimer("client-call:" + id, new ClientCallExpired(id), Settings.MethodTimeout);
        Enqueue(JsonRpcEncoder.Request(RequestId.FromString(id), call.Method, call.Params));
    }

    public override void OnClientReply(JsonRpcClientReply reply)
    {
        // Replies to ids this connection never sent are ignored (PROTOCOL.md section 3).
        if (reply.Id.Kind != RequestIdKind.String || !_clientCalls.Remove(reply.Id.Text!, out var asker))
        {
            return;
        }

        Timers.Cancel("client-call:" + reply.Id.Text);
        asker.Tell(Services.Payload.FitsClientAnswer(asker, ConnectionId, reply.Result, reply.Error)
            ? new ConnectionProtocol.ClientAnswered(reply.Result, reply.Error)
            : new ConnectionProtocol.ClientUnavailable("The client's answer is too large to cross the cluster."));
    }

    private sealed record ClientCallExpired(string Id);
}
