using System.Diagnostics;
using System.Security.Claims;
using Akka.Actor;
using Akka.Event;
using Hub.Auth;
using Hub.Cluster;
using Hub.Diagnostics;
using Hub.Engine;
using Hub.Methods;
using Hub.Protocol;
using Hub.Topics;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>
/// Owns one client connection: its identity, subscriptions, in-flight calls and server-to-client calls. It
/// parses each inbound frame with the codec, answers protocol errors and built-ins itself, sends calls to
/// method actors, and alone queues frames for its <see cref="ConnectionWriter"/>, closing a slow reader with 1008
/// past the outbound limits. Calls time out by one sweep per connection, not a timer per call.
/// </summary>
internal sealed partial class ConnectionActor : UntypedActor, IWithTimers
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private const string SweepTimer = "timeouts";

    private readonly string _connectionId;
    private readonly bool _isHttp;
    private readonly IConnectionTransport _transport;
    private readonly HubRuntime _runtime;
    private readonly HubSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<long, InFlight> _inFlight = [];
    // Per topic, the subscription made by the last subscribe: answered by its router (open) or not yet.
    private readonly SortedDictionary<string, SubscriberGate.Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly List<PendingSubscribe> _pendingSubscribes = [];
    private readonly Dictionary<string, IActorRef> _clientCalls = new(StringComparer.Ordinal);
    private HubUser _user;
    private MethodProtocol.Caller _caller;
    private ConnectionWriter? _writer;
    private SubscriberGate? _gate;
    private long _nextCallKey;

    // The call of a sequential method running now (0: none), and those waiting for it, in arrival order.
    private long _sequentialRunning;
    private Queue<(IActorRef Actor, MethodProtocol.Invoke Invoke)>? _sequentialWaiting;

    // When the timeout sweep is due (a Stopwatch timestamp), or long.MaxValue when none is scheduled.
    private long _sweepAt = long.MaxValue;
    private long _nextClientCall;
    private bool _draining;
    private bool _closing;
    private bool _transportDone;
    private bool _watchingNodes;
    private readonly TokenBucket _rate;
    private (int Code, string Reason)? _closeAfterFlush;

    public ConnectionActor(string connectionId, ClaimsPrincipal? user, bool isHttp, IConnectionTransport transport, HubRuntime runtime)
    {
        _connectionId = connectionId;
        _user = user is null ? HubUser.Anonymous : new HubUser(user);
        _isHttp = isHttp;
        _transport = transport;
        _runtime = runtime;
        _settings = runtime.Settings;
        _rate = new TokenBucket(_settings.RateLimitPerSecond, _settings.RateLimitBurst);
        _caller = new MethodProtocol.Caller(connectionId, _user, isHttp ? null : Self);
    }

    // One switch instead of ReceiveActor's handler list: no delegate per handler per connection (about 1.3 KiB of an
    // idle connection), and the frequent messages are matched first.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ConnectionProtocol.InboundFrame frame:
                OnFrame(frame.Utf8);
                frame.Credit?.Return();
                break;
            case MethodProtocol.Completed completed:
                OnCompleted(completed);
                break;
            case SweepTimeouts:
                OnSweepTimeouts();
                break;
            case TopicProtocol.Subscribed subscribed:
                OnSubscribed(subscribed);
                break;
            case ConnectionProtocol.InboundCompleted completed:
                OnInboundCompleted(completed);
                break;
            case MethodRegistryActor.NodeLost lost:
                OnNodeLost(lost);
                break;
            case SubscriberGate.SlowConsumer:
                CloseSlowConsumer();
                break;
            case ConnectionProtocol.CallClient call:
                OnCallClient(call);
                break;
            case ClientCallExpired expired:
                _clientCalls.Remove(expired.Id);
                break;
            case ConnectionProtocol.WriterStopped stopped:
                OnWriterStopped(stopped);
                break;
            case ConnectionProtocol.Drain:
                _draining = true;
                CloseIfDrained();
                break;
            case ConnectionProtocol.GoAway:
                CloseGracefully(1001, "server shutting down");
                break;
            case TransportClosed:
                Context.Stop(Self);
                break;
            case AuthenticationExpired:
                _log.Info("Closing {ConnectionId}: the authentication of {User} expired", _connectionId, _user.Name ?? "(anonymous)");
                CloseGracefully(1008, "authentication expired");
                break;
            case LoginChecked checkedLogin:
                OnLoginChecked(checkedLogin);
                break;
            case CloseTimedOut:
                OnCloseTimedOut();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string connectionId, ClaimsPrincipal? user, bool isHttp, IConnectionTransport transport, HubRuntime runtime) =>
        Akka.Actor.Props.Create(() => new ConnectionActor(connectionId, user, isHttp, transport, runtime));

    protected override void PreStart()
    {
        _writer = new ConnectionWriter(_transport, Self, _settings.OutboundMaxMessages, _settings.OutboundMaxBytes);
        _gate = new SubscriberGate(_writer, Self, _settings.OutboundMaxMessages);
        ScheduleExpiry();
        HubMetrics.ConnectionOpened(_isHttp);
        _log.Debug("Connection {ConnectionId} opened", _connectionId);
    }

    protected override void PostStop()
    {
        if (_watchingNodes)
        {
            Context.System.EventStream.Unsubscribe(Self);
        }

        foreach (var asker in _clientCalls.Values)
        {
            asker.Tell(new ConnectionProtocol.ClientUnavailable("The connection closed before the client answered."));
        }

        _writer?.Abandon();
        if (!_transportDone)
        {
            // Stopped without a close of its own (a bug, or the actor system going down): say so to the client.
            _ = _transport.CloseAsync(1011, "internal error");
        }

        HubMetrics.ConnectionClosed(_isHttp);
        _log.Debug("Connection {ConnectionId} closed", _connectionId);
        _transport.Stopped();
    }

    private void OnFrame(ReadOnlyMemory<byte> utf8)
    {
        if (_closing)
        {
            return;
        }

        _log.Debug("Frame of {Size} B from {ConnectionId}", utf8.Length, _connectionId);
        var expectsReply = true;
        switch (JsonRpcParser.Parse(utf8.Span, _settings.MaxDepth, _settings.MaxBatch))
        {
            case ParsedFrame.Rejected rejected:
                HubMetrics.ProtocolError(rejected.Reply.Error.Code);
                Answer(null, -1, JsonRpcEncoder.Failure(rejected.Reply.Id, rejected.Reply.Error));
                break;
            case ParsedFrame.Single single:
                expectsReply = single.Message is JsonRpcRequest or JsonRpcInvalid;
                Dispatch(single.Message, null, -1);
                break;
            case ParsedFrame.Batch batch:
                HubMetrics.Batch(batch.Entries.Count);
                var replies = batch.Entries.Count(e => e is JsonRpcRequest or JsonRpcInvalid);
                expectsReply = replies > 0;
                var state = replies > 0 ? new BatchReply(replies) : null;
                var slot = 0;
                foreach (var entry in batch.Entries)
                {
                    Dispatch(entry, state, entry is JsonRpcRequest or JsonRpcInvalid ? slot++ : -1);
                }

                break;
        }

        if (_isHttp && !expectsReply)
        {
            // HTTP carries one message or batch per request; with nothing to answer the response is 204.
            CloseGracefully(1000, string.Empty);
        }
    }

    private void Dispatch(JsonRpcMessage message, BatchReply? batch, int slot)
    {
        switch (message)
        {
            case JsonRpcInvalid invalid:
                HubMetrics.ProtocolError(JsonRpcErrorCodes.InvalidRequest);
                Answer(batch, slot, JsonRpcEncoder.Failure(invalid.Id, JsonRpcError.InvalidRequest(invalid.Reason)));
                break;
            case JsonRpcClientReply reply when batch is null && !_isHttp:
                OnClientReply(reply);
                break;
            case JsonRpcRequest request:
                Call(request.Id, request.Method, request.Params, batch, slot);
                break;
            case JsonRpcNotification notification:
                Call(null, notification.Method, notification.Params, null, -1);
                break;
        }
    }

    private void Call(RequestId? id, string method, JToken? parameters, BatchReply? batch, int slot)
    {
        // The runtime's flag is set before the drain reaches each connection, so no call slips in between.
        if (_draining || _runtime.IsDraining)
        {
            CountRefused(MethodTag(method), JsonRpcError.ServerShuttingDown);
            AnswerError(id, batch, slot, JsonRpcError.ServerShuttingDown);
            return;
        }

        if (_inFlight.Count >= _settings.MaxInFlight || !_rate.TryTake())
        {
            CountRefused(MethodTag(method), JsonRpcError.TooManyRequests);
            AnswerError(id, batch, slot, JsonRpcError.TooManyRequests);
            return;
        }

        _lastErrorCode = 0;
        if (TryBuiltIn(id, method, parameters, batch, slot))
        {
            CountBuiltIn(method, id);
            return;
        }

        // Prefer this node; otherwise a reachable node that serves the method, taken in turn.
        IActorRef actor;
        TimeSpan? methodTimeout;
        bool sequential;
        Address? node = null;
        // A method the caller may not use is answered as an unknown one, at once, taking no slot and counted as
        // "unknown", so nothing tells it apart. Only tests of a method served elsewhere run where it is served.
        if (_runtime.TryGetMethod(method, out var local) && local.Access.Allows(_user))
        {
            (actor, methodTimeout, sequential) = (local.Actor, local.Timeout, local.Sequential);
        }
        else if (local is null && TryGetRemote(method, out var remote) && remote.Access.AllowsDeclared(_user))
        {
            (actor, methodTimeout, sequential, node) = (remote.Actor, remote.Timeout, remote.Sequential, remote.Node);
        }
        else
        {
            CountRefused(HubMetrics.UnknownMethod, JsonRpcError.MethodNotFound);
            AnswerError(id, batch, slot, JsonRpcError.MethodNotFound);
            return;
        }

        // A call that cannot reach the serving node is answered now, not left to time out.
        if (node is not null && ClusterPayload.For(Context.System).RefuseRoutedCall(id, method, parameters, _caller) is { } tooLarge)
        {
            CountRefused(method, tooLarge);
            AnswerError(id, batch, slot, tooLarge);
            return;
        }

        var key = ++_nextCallKey;
        var timeout = methodTimeout ?? _settings.MethodTimeout;
        CountDispatched(method, id);
        var started = CallStarted();
        var deadline = started + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        _inFlight[key] = new InFlight(id, batch, slot, node, method, started, deadline);
        ScheduleSweep(deadline);
        var invoke = new MethodProtocol.Invoke(key, id, method, parameters, _caller, timeout);
        if (sequential)
        {
            // One line for this connection's calls of sequential methods: the next goes when this one has finished.
            if (_sequentialRunning != 0)
            {
                (_sequentialWaiting ??= new Queue<(IActorRef, MethodProtocol.Invoke)>()).Enqueue((actor, invoke));
                return;
            }

            _sequentialRunning = key;
        }

        actor.Tell(invoke);
    }

    /// <summary>
    /// Removes a call that has been answered (its reply, its timeout, or its node lost). The caller then calls
    /// <see cref="RunNextSequential"/>, once it has removed all it answers.
    /// </summary>
    private bool Finish(long key, out InFlight call)
    {
        if (!_inFlight.Remove(key, out call))
        {
            return false;
        }

        if (key == _sequentialRunning)
        {
            _sequentialRunning = 0;
        }

        return true;
    }

    /// <summary>When no sequential call runs, sends the next one waiting (one answered while it waited, by its timeout, is not sent).</summary>
    private void RunNextSequential()
    {
        while (_sequentialRunning == 0 && _sequentialWaiting is { Count: > 0 })
        {
            var (actor, invoke) = _sequentialWaiting.Dequeue();
            if (_inFlight.ContainsKey(invoke.CallKey))
            {
                _sequentialRunning = invoke.CallKey;
                actor.Tell(invoke);
            }
        }
    }

    /// <summary>
    /// A node that serves <paramref name="method"/>, read from the directory after this actor subscribed to node
    /// losses. The registry drops a node from the directory before it announces the loss, so a call either avoids the
    /// node or its loss reaches this actor: never a call left to time out. Only connections that route calls
    /// subscribe, at their first, so an idle connection pays nothing.
    /// </summary>
    private bool TryGetRemote(string method, out MethodDirectory.Target target)
    {
        if (!_runtime.Directory.TryGetRemote(method, out target))
        {
            return false;
        }

        if (_watchingNodes)
        {
            return true;
        }

        _watchingNodes = true;
        Context.System.EventStream.Subscribe(Self, typeof(MethodRegistryActor.NodeLost));
        return _runtime.Directory.TryGetRemote(method, out target);
    }

    private void OnNodeLost(MethodRegistryActor.NodeLost lost)
    {
        foreach (var (key, call) in _inFlight.Where(kv => kv.Value.Node == lost.Node).ToList())
        {
            Finish(key, out _);
            CountFailed(call, JsonRpcError.MethodUnavailable);
            AnswerError(call.Id, call.Batch, call.Slot, JsonRpcError.MethodUnavailable);
        }

        RunNextSequential();

        CloseIfDrained();
    }

    private void OnCompleted(MethodProtocol.Completed completed)
    {
        if (!Finish(completed.CallKey, out var call))
        {
            return; // answered already: the timeout won
        }

        RunNextSequential();

        CountCompleted(call, completed.Reply);
        if (call.Id is not null && completed.Reply is not null)
        {
            Answer(call.Batch, call.Slot, completed.Reply);
        }

        CloseIfDrained();
    }

    /// <summary>Makes sure a sweep runs by <paramref name="deadline"/>: one timer per connection, restarted only for an earlier deadline.</summary>
    private void ScheduleSweep(long deadline)
    {
        if (deadline >= _sweepAt)
        {
            return;
        }

        _sweepAt = deadline;
        var delay = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        Timers.StartSingleTimer(SweepTimer, SweepTimeouts.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    /// <summary>Answers <c>-32001</c> for every call past its deadline, and schedules the next sweep for the earliest left.</summary>
    private void OnSweepTimeouts()
    {
        _sweepAt = long.MaxValue;
        var now = Stopwatch.GetTimestamp();
        var next = long.MaxValue;
        List<long>? expired = null;
        foreach (var (key, call) in _inFlight)
        {
            if (call.Deadline <= now)
            {
                (expired ??= []).Add(key);
            }
            else
            {
                next = Math.Min(next, call.Deadline);
            }
        }

        foreach (var key in expired ?? [])
        {
            Finish(key, out var call);
            CountFailed(call, JsonRpcError.RequestTimedOut);
            AnswerError(call.Id, call.Batch, call.Slot, JsonRpcError.RequestTimedOut);
        }

        RunNextSequential();

        if (next != long.MaxValue)
        {
            ScheduleSweep(next);
        }

        if (expired is not null)
        {
            CloseIfDrained();
        }
    }

    private void AnswerError(RequestId? id, BatchReply? batch, int slot, JsonRpcError error)
    {
        _lastErrorCode = error.Code;
        if (id is { } requestId)
        {
            Answer(batch, slot, JsonRpcEncoder.Failure(requestId, error));
        }
    }

    private void AnswerResult(RequestId? id, BatchReply? batch, int slot, JToken result)
    {
        if (id is { } requestId)
        {
            Answer(batch, slot, JsonRpcEncoder.Success(requestId, result));
        }
    }

    /// <summary>Sends a reply, or files it in its batch, which goes out whole, in request order, once complete.</summary>
    private void Answer(BatchReply? batch, int slot, byte[] reply)
    {
        if (batch is null)
        {
            Enqueue(reply);
        }
        else if (batch.Fill(slot, reply))
        {
            Enqueue(JsonRpcEncoder.Batch(batch.Replies!));
        }
        else
        {
            return;
        }

        if (_isHttp)
        {
            CloseGracefully(1000, string.Empty);
        }
    }

    private void Enqueue(byte[] frame)
    {
        if (!_closing && _writer is not null && !_writer.TryEnqueue(frame))
        {
            CloseSlowConsumer();
        }
    }

    private void CloseSlowConsumer()
    {
        if (_closing || _writer is null)
        {
            return;
        }

        HubMetrics.SlowConsumerDisconnected();
        _log.Warning("Closing {ConnectionId}: slow consumer, {Messages} messages and {Bytes} B queued", _connectionId, _writer.QueuedMessages, _writer.QueuedBytes);
        CloseNow(1008, "slow consumer");
    }

    private void OnWriterStopped(ConnectionProtocol.WriterStopped stopped)
    {
        if (stopped.Cause is not null && !_closing)
        {
            _log.Debug("Connection {ConnectionId}: writing failed ({Reason}); stopping", _connectionId, stopped.Cause.Message);
            _transportDone = true;
            _transport.Abort();
            Context.Stop(Self);
            return;
        }

        if (_closeAfterFlush is { } close)
        {
            CloseTransport(close.Code, close.Reason);
        }
    }

    private void OnInboundCompleted(ConnectionProtocol.InboundCompleted completed)
    {
        // The transport has ended the socket (client close, abort, or a frame limit); nothing more can be sent.
        _transportDone = true;
        if (completed.Cause is not null)
        {
            _log.Debug("Connection {ConnectionId} ended: {Reason}", _connectionId, completed.Cause.Message);
        }

        if (!_isHttp)
        {
            Context.Stop(Self);
        }
    }

    private void CloseIfDrained()
    {
        if (_draining && _inFlight.Count == 0 && _pendingSubscribes.Count == 0)
        {
            CloseGracefully(1001, "server shutting down");
        }
    }

    /// <summary>Sends what is queued, then closes.</summary>
    private void CloseGracefully(int code, string reason)
    {
        if (_closing)
        {
            return;
        }

        _closing = true;
        _closeAfterFlush = (code, reason);
        _writer?.Complete();
        Timers.StartSingleTimer("close", new CloseTimedOut(), CloseTimeout);
    }

    private void OnCloseTimedOut()
    {
        // What was queued did not go out in time (a client that stopped reading): still close with the code
        // chosen, rather than leave it to PostStop's 1011.
        if (!_transportDone && _closeAfterFlush is { } close)
        {
            _transportDone = true;
            _ = _transport.CloseAsync(close.Code, close.Reason);
        }

        Context.Stop(Self);
    }

    /// <summary>
    /// Drops what is queued, starts the close and stops at once. The close frame may wait behind a send the
    /// client is not reading; the transport bounds that wait, and nothing of this connection is kept meanwhile.
    /// </summary>
    private void CloseNow(int code, string reason)
    {
        if (_closing)
        {
            return;
        }

        _closing = true;
        _transportDone = true;
        _writer?.Abandon();
        _ = _transport.CloseAsync(code, reason);
        Context.Stop(Self);
    }

    private void CloseTransport(int code, string reason)
    {
        _transportDone = true;
        _transport.CloseAsync(code, reason).PipeTo(Self, success: () => new TransportClosed(), failure: _ => new TransportClosed());
    }

    /// <summary>
    /// A call awaiting its reply; <see cref="Method"/> (the metrics tag) and <see cref="Started"/> time it, and past
    /// <see cref="Deadline"/> (Stopwatch timestamps both) the sweep answers it <c>-32001</c>.
    /// </summary>
    private readonly record struct InFlight(RequestId? Id, BatchReply? Batch, int Slot, Address? Node, string? Method = null, long Started = 0, long Deadline = long.MaxValue);

    private sealed class SweepTimeouts
    {
        public static SweepTimeouts Instance { get; } = new();

        private SweepTimeouts()
        {
        }
    }

    private sealed record ClientCallExpired(string Id);

    private sealed record TransportClosed;

    private sealed record CloseTimedOut;

    /// <summary>The replies of one batch, in request order; full when every request has answered.</summary>
    private sealed class BatchReply(int count)
    {
        private int _missing = count;

        public byte[][]? Replies { get; } = new byte[count][];

        public bool Fill(int slot, byte[] reply)
        {
            Replies![slot] = reply;
            return --_missing == 0;
        }
    }
}
