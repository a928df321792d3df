using Akka.Actor;
using Akka.Event;
using Hub.Diagnostics;
using Hub.Methods;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>
/// One client connection, as an actor; its kinds are <see cref="WebSocketConnectionActor"/> and
/// <see cref="HttpConnectionActor"/>. Each is three parts: the actor keeps what is the connection's own (identity,
/// user, and for WebSocket subscriptions, login and calls to the client) and its lifecycle (drain, close);
/// its <see cref="CallDispatcher"/> admits, routes and answers calls; its <see cref="Outbound"/> alone writes to
/// the client, in order, and closes.
/// </summary>
internal abstract class ConnectionActor : UntypedActor, IWithTimers, ICallOwner
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly IConnectionTransport _transport;
    private bool _draining;

    protected ConnectionActor(string connectionId, MethodProtocol.Caller caller, IConnectionTransport transport, ConnectionServices services)
    {
        ConnectionId = connectionId;
        Caller = caller;
        _transport = transport;
        Services = services;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public MethodProtocol.Caller Caller { get; protected set; }

    public abstract IReadOnlyList<string> BuiltInNames { get; }

    public abstract Outbound? DirectReplies { get; }

    protected string ConnectionId { get; }

    protected ConnectionServices Services { get; }

    protected HubSettings Settings => Services.Settings;

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>Everything the client receives goes through it.</summary>
    protected Outbound Outbound { get; private set; } = null!;

    protected CallDispatcher Calls { get; private set; } = null!;

    /// <summary>The metrics tag of this kind of connection.</summary>
    protected abstract KeyValuePair<string, object?> TransportTag { get; }

    /// <summary>True while the connection itself waits for something before it can close when draining (a subscribe's routers).</summary>
    protected virtual bool IsWaiting => false;

    public abstract BuiltIn TryBuiltIn(string method, JToken? parameters, ReplyTo replyTo);

    public abstract void OnClientReply(Hub.Protocol.JsonRpcClientReply reply);

    public abstract void Send(byte[] reply);

    // One dispatch instead of ReceiveActor's handler list: no delegate per handler per connection (about 1.3 KiB of an
    // idle connection), and the frequent messages are matched first.
    protected sealed override void OnReceive(object message)
    {
        if (message is ConnectionProtocol.InboundFrame frame)
        {
            if (!Outbound.IsClosing)
            {
                OnFrame(frame.Utf8);
            }

            frame.Credit?.Return();
        }
        else if (Calls.Handles(message))
        {
            CloseIfDrained();
        }
        else if (!OnConnectionMessage(message))
        {
            OnLifecycleMessage(message);
        }
    }

    /// <summary>One inbound frame, while the connection is not closing.</summary>
    protected abstract void OnFrame(ReadOnlyMemory<byte> utf8);

    /// <summary>The messages of this kind of connection; false for any other.</summary>
    protected abstract bool OnConnectionMessage(object message);

    protected override void PreStart()
    {
        Outbound = new Outbound(_transport, Self, Settings.OutboundMaxMessages, Settings.OutboundMaxBytes);
        Calls = new CallDispatcher(this, Services, Self, Timers, Context.System.EventStream, Log);
        HubMetrics.ConnectionOpened(TransportTag);
        Log.Debug("Connection {ConnectionId} opened", ConnectionId);
    }

    protected override void PostStop()
    {
        Calls.Stop();
        Outbound.Stop();
        HubMetrics.ConnectionClosed(TransportTag);
        Log.Debug("Connection {ConnectionId} closed", ConnectionId);
    }

    private void OnLifecycleMessage(object message)
    {
        switch (message)
        {
            case Outbound.Overflowed:
                CloseSlowConsumer();
                break;
            case Outbound.Ended ended:
                if (ended.Failure is not null)
                {
                    Log.Debug("Connection {ConnectionId}: writing failed ({Reason}); stopping", ConnectionId, ended.Failure.Message);
                }

                Context.Stop(Self);
                break;
            case ConnectionProtocol.Drain:
                _draining = true;
                Calls.Drain();
                CloseIfDrained();
                break;
            case ConnectionProtocol.GoAway:
                CloseGracefully(1001, "server shutting down");
                break;
            case CloseTimedOut timedOut:
                // What was queued did not go out in time (a client that stopped reading): still close with the code
                // chosen, rather than leave it to the 1011 of a stop without a close.
                Outbound.CloseNow(timedOut.Code, timedOut.Reason);
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Queues one of the connection's own frames; past the outbound limits the connection is closed as a slow consumer.</summary>
    protected void Enqueue(byte[] frame)
    {
        if (!Outbound.TrySend(frame))
        {
            CloseSlowConsumer();
        }
    }

    /// <summary>Closes with 1001 once draining and nothing is left to answer.</summary>
    protected void CloseIfDrained()
    {
        if (_draining && Calls.IsIdle && !IsWaiting)
        {
            CloseGracefully(1001, "server shutting down");
        }
    }

    /// <summary>Sends what is queued, then closes; past a timeout, closes anyway.</summary>
    protected void CloseGracefully(int code, string reason)
    {
        if (Outbound.IsClosing)
        {
            return;
        }

        Outbound.Close(code, reason);
        Timers.StartSingleTimer("close", new CloseTimedOut(code, reason), CloseTimeout);
    }

    /// <summary>
    /// Drops what is queued, starts the close and stops at once. The close frame may wait behind a send the client
    /// is not reading; the transport bounds that wait, and nothing of this connection is kept meanwhile.
    /// </summary>
    protected void CloseNow(int code, string reason)
    {
        Outbound.CloseNow(code, reason);
        Context.Stop(Self);
    }

    private void CloseSlowConsumer()
    {
        if (Outbound.IsClosing)
        {
            return;
        }

        HubMetrics.SlowConsumerDisconnected();
        Log.Warning("Closing {ConnectionId}: slow consumer, {Messages} messages and {Bytes} B queued", ConnectionId, Outbound.QueuedMessages, Outbound.QueuedBytes);
        CloseNow(1008, "slow consumer");
    }

    private sealed record CloseTimedOut(int Code, string Reason);
}
