using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Hub.Cluster;
using Hub.Diagnostics;
using Hub.Methods;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>
/// What a connection does with each inbound frame, the same for every kind of connection: it parses the frame with
/// the codec, answers protocol errors, admits each call (draining, calls in flight, rate), answers
/// <c>get_methods</c> and <c>get_topics</c>, hands the connection's own built-ins to its <see cref="ICallOwner"/>,
/// routes every other call to a method actor on this node or another, and answers each call once: by its reply, its
/// timeout (one sweep per connection, not a timer per call) or the loss of its node. Replies of a batch go out
/// whole, in request order. Runs on the connection actor's thread; the actor hands it the messages it
/// <see cref="Handles"/>.
/// </summary>
internal sealed class CallDispatcher
{
    private const string SweepTimer = "timeouts";

    private readonly ICallOwner _owner;
    private readonly ConnectionServices _services;
    private readonly HubSettings _settings;
    private readonly IActorRef _self;
    private readonly ITimerScheduler _timers;
    private readonly EventStream _events;
    private readonly ClusterPayload _payload;
    private readonly ILoggingAdapter _log;
    private readonly TokenBucket _rate;
    private readonly InFlightCalls _calls = new();

    // When the timeout sweep is due (a Stopwatch timestamp), or long.MaxValue when none is scheduled.
    private long _sweepAt = long.MaxValue;
    private bool _watchingNodes;
    private bool _draining;

    // The length of the frame being dispatched: it bounds what its calls carry to another node.
    private int _frameBytes;

    public CallDispatcher(ICallOwner owner, ConnectionServices services, IActorRef self, ITimerScheduler timers, EventStream events, ILoggingAdapter log)
    {
        _owner = owner;
        _services = services;
        _settings = services.Settings;
        _self = self;
        _timers = timers;
        _events = events;
        _payload = services.Payload;
        _log = log;
        _rate = new TokenBucket(_settings.RateLimitPerSecond, _settings.RateLimitBurst);
    }

    /// <summary>True when no call is in flight (a held one included).</summary>
    public bool IsIdle => _calls.Count == 0;

    /// <summary>From now on every call is refused with <c>-32004</c>; those in flight still finish.</summary>
    public void Drain() => _draining = true;

    /// <summary>
    /// Parses one frame and dispatches what it holds; false when nothing in it expects a reply (notifications, or
    /// only answers to server-to-client calls).
    /// </summary>
    public bool OnFrame(ReadOnlyMemory<byte> utf8, string connectionId)
    {
        _log.Debug("Frame of {Size} B from {ConnectionId}", utf8.Length, connectionId);
        _frameBytes = utf8.Length;
        switch (JsonRpcParser.Parse(utf8.Span, _settings.MaxDepth, _settings.MaxBatch))
        {
            case ParsedFrame.Rejected rejected:
                HubMetrics.ProtocolError(rejected.Reply.Error.Code);
                Answer(new ReplyTo(rejected.Reply.Id), JsonRpcEncoder.Failure(rejected.Reply.Id, rejected.Reply.Error));
                return true;
            case ParsedFrame.Single single:
                Dispatch(single.Message, null, -1);
                return single.Message is JsonRpcRequest or JsonRpcInvalid;
            case ParsedFrame.Batch batch:
                HubMetrics.Batch(batch.Entries.Count);
                var replies = batch.Entries.Count(e => e is JsonRpcRequest or JsonRpcInvalid);
                var state = replies > 0 ? new BatchReply(replies) : null;
                var slot = 0;
                foreach (var entry in batch.Entries)
                {
                    Dispatch(entry, state, entry is JsonRpcRequest or JsonRpcInvalid ? slot++ : -1);
                }

                return replies > 0;
            default:
                return true;
        }
    }

    /// <summary>Takes the messages of the calls in flight: their replies, the timeout sweep, a lost node. False for any other.</summary>
    public bool Handles(object message)
    {
        switch (message)
        {
            case MethodProtocol.Completed completed:
                OnCompleted(completed);
                return true;
            case SweepTimeouts:
                OnSweepTimeouts();
                return true;
            case MethodRegistryActor.NodeLost lost:
                OnNodeLost(lost);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Keeps a call in flight that the connection answers itself later (<see cref="Release"/>), as a login does.</summary>
    public long Hold(ReplyTo replyTo)
    {
        var key = _calls.NextKey();
        _calls.Add(key, InFlightCalls.InFlight.Held(replyTo));
        return key;
    }

    /// <summary>Ends a call kept by <see cref="Hold"/>; false when it is gone.</summary>
    public bool Release(long key, out ReplyTo replyTo)
    {
        var found = _calls.Finish(key, out var call);
        replyTo = call.ReplyTo;
        return found;
    }

    public void AnswerError(ReplyTo replyTo, JsonRpcError error)
    {
        if (replyTo.Id is { } id)
        {
            Answer(replyTo, JsonRpcEncoder.Failure(id, error));
        }
    }

    public void AnswerResult(ReplyTo replyTo, JToken result)
    {
        if (replyTo.Id is { } id)
        {
            Answer(replyTo, JsonRpcEncoder.Success(id, result));
        }
    }

    private void Dispatch(JsonRpcMessage message, BatchReply? batch, int slot)
    {
        switch (message)
        {
            case JsonRpcInvalid invalid:
                HubMetrics.ProtocolError(JsonRpcErrorCodes.InvalidRequest);
                Answer(new ReplyTo(invalid.Id, batch, slot), JsonRpcEncoder.Failure(invalid.Id, JsonRpcError.InvalidRequest(invalid.Reason)));
                break;
            case JsonRpcClientReply reply when batch is null:
                _owner.OnClientReply(reply);
                break;
            case JsonRpcRequest request:
                Call(request.Method, request.Params, new ReplyTo(request.Id, batch, slot));
                break;
            case JsonRpcNotification notification:
                Call(notification.Method, notification.Params, new ReplyTo(null));
                break;
        }
    }

    private void Call(string method, JToken? parameters, ReplyTo replyTo)
    {
        // The node's flag is set before the drain reaches each connection, so no call slips in between.
        if (_draining || _services.Drain.IsDraining)
        {
            Refuse(CallMetrics.MethodTag(method, _services.Methods.Directory.Names), replyTo, JsonRpcError.ServerShuttingDown);
            return;
        }

        if (_calls.Count >= _settings.MaxInFlight || !_rate.TryTake())
        {
            Refuse(CallMetrics.MethodTag(method, _services.Methods.Directory.Names), replyTo, JsonRpcError.TooManyRequests);
            return;
        }

        if (TryBuiltIn(method, parameters, replyTo) is { Taken: true } builtIn)
        {
            if (!builtIn.Later)
            {
                CallMetrics.Answered(method, replyTo.Id, builtIn.ErrorCode);
            }

            return;
        }

        // Prefer this node; otherwise a reachable node that serves the method, taken in turn.
        IActorRef actor;
        TimeSpan? methodTimeout;
        bool sequential;
        Address? node = null;
        var caller = _owner.Caller;
        // A method the caller may not use is answered as an unknown one, at once, taking no slot and counted as
        // "unknown", so nothing tells it apart. Only tests of a method served elsewhere run where it is served.
        if (_services.Methods.TryGetLocal(method, out var local) && local.Access.Allows(caller.User))
        {
            (actor, methodTimeout, sequential) = (local.Actor, local.Timeout, local.Sequential);
        }
        else if (local is null && TryGetRemote(method, out var remote) && remote.Access.AllowsDeclared(caller.User))
        {
            (actor, methodTimeout, sequential, node) = (remote.Actor, remote.Timeout, remote.Sequential, remote.Node);
        }
        else
        {
            Refuse(HubMetrics.UnknownMethod, replyTo, JsonRpcError.MethodNotFound);
            return;
        }

        // A call that cannot reach the serving node is answered now, not left to time out.
        if (node is not null && _payload.RefuseRoutedCall(replyTo.Id, method, parameters, caller, _frameBytes) is { } tooLarge)
        {
            Refuse(method, replyTo, tooLarge);
            return;
        }

        var key = _calls.NextKey();
        var timeout = methodTimeout ?? _settings.MethodTimeout;
        CallMetrics.Dispatched(method, replyTo.Id);
        var started = InFlightCalls.InFlight.Now;
        var deadline = started + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

        // A non-blocking method of this node runs right here, unless it must wait for a sequential call.
        var @delegate = node is null ? local!.Delegate : null;
        if (@delegate is { Inline: true } && !(sequential && _calls.SequentialBusy))
        {
            RunHere(@delegate, new MethodProtocol.Invoke(key, replyTo.Id, method, parameters, caller, timeout), replyTo, started, deadline, sequential);
            return;
        }

        // A method on this node writes the reply of a request outside a batch itself: no hop through this mailbox.
        var direct = node is null && replyTo is { Id: not null, Batch: null } && _owner.DirectReplies is { } outbound ? new DirectReply(outbound) : null;
        _calls.Add(key, new InFlightCalls.InFlight(replyTo, node, method, started, deadline, direct));
        ScheduleSweep(deadline);
        _calls.Run(actor, new MethodProtocol.Invoke(key, replyTo.Id, method, parameters, caller, timeout, direct), sequential, _self, @delegate);
    }

    /// <summary>
    /// Runs a call of a non-blocking (inline) method of this node on this connection's thread, and answers it here
    /// when it finishes at once: no hop through the method's mailbox nor back through this one. One that finished
    /// past its deadline is answered <c>-32001</c>, as the sweep would have. A handler still pending is in flight as
    /// any call, its reply coming back as <see cref="MethodProtocol.Completed"/>.
    /// </summary>
    private void RunHere(DelegateMethod method, MethodProtocol.Invoke invoke, ReplyTo replyTo, long started, long deadline, bool sequential)
    {
        var call = new InFlightCalls.InFlight(replyTo, null, invoke.Method, started, deadline);
        if (!method.TryRunHere(invoke, _self, out var reply))
        {
            _calls.Add(invoke.CallKey, call);
            if (sequential)
            {
                _calls.RunningSequential(invoke.CallKey);
            }

            ScheduleSweep(deadline);
            return;
        }

        if (Stopwatch.GetTimestamp() > deadline)
        {
            Fail(call, JsonRpcError.RequestTimedOut);
            return;
        }

        Complete(call, reply);
    }

    private BuiltIn TryBuiltIn(string method, JToken? parameters, ReplyTo replyTo)
    {
        switch (method)
        {
            case "get_methods":
                AnswerResult(replyTo, new JArray(_owner.BuiltInNames.Concat(_services.Methods.Visible(_owner.Caller.User))));
                return BuiltIn.Answered();
            case "get_topics":
                AnswerResult(replyTo, new JArray(_services.Topics.Visible(_owner.Caller.User)));
                return BuiltIn.Answered();
            default:
                return _owner.TryBuiltIn(method, parameters, replyTo);
        }
    }

    private void Refuse(string methodTag, ReplyTo replyTo, JsonRpcError error)
    {
        CallMetrics.Refused(methodTag, error);
        AnswerError(replyTo, error);
    }

    /// <summary>
    /// A node that serves <paramref name="method"/>, read from the directory after this connection subscribed to node
    /// losses. The registry drops a node from the directory before it announces the loss, so a call either avoids the
    /// node or its loss reaches this connection: never a call left to time out. Only connections that route calls
    /// subscribe, at their first, so an idle connection pays nothing.
    /// </summary>
    private bool TryGetRemote(string method, out MethodDirectory.Target target)
    {
        if (!_services.Methods.Directory.TryGetRemote(method, out target))
        {
            return false;
        }

        if (_watchingNodes)
        {
            return true;
        }

        _watchingNodes = true;
        _events.Subscribe(_self, typeof(MethodRegistryActor.NodeLost));
        return _services.Methods.Directory.TryGetRemote(method, out target);
    }

    /// <summary>The connection stops: no more node losses for it.</summary>
    public void Stop()
    {
        if (_watchingNodes)
        {
            _events.Unsubscribe(_self);
        }
    }

    private void OnNodeLost(MethodRegistryActor.NodeLost lost)
    {
        foreach (var call in _calls.TakeSentTo(lost.Node))
        {
            Fail(call, JsonRpcError.MethodUnavailable);
        }

        _calls.RunNextSequential(_self);
    }

    private void OnCompleted(MethodProtocol.Completed completed)
    {
        if (!_calls.Finish(completed.CallKey, out var call))
        {
            return; // answered already: the timeout won
        }

        Complete(call, completed.Reply);

        // After the answer: the next sequential call may run, and write its reply, right here.
        _calls.RunNextSequential(_self);
    }

    /// <summary>Counts a call its method finished and answers it, unless the method wrote its reply itself.</summary>
    private void Complete(InFlightCalls.InFlight call, byte[]? reply)
    {
        CallMetrics.Completed(call, reply);
        if (call.ReplyTo.Id is not null && reply is not null && call.Direct is not { Written: true })
        {
            Answer(call.ReplyTo, reply);
        }
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
        _timers.StartSingleTimer(SweepTimer, SweepTimeouts.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    /// <summary>Answers <c>-32001</c> for every call past its deadline, and schedules the next sweep for the earliest left.</summary>
    private void OnSweepTimeouts()
    {
        _sweepAt = long.MaxValue;
        var expired = _calls.TakeExpired(Stopwatch.GetTimestamp(), out var next);
        foreach (var call in expired ?? [])
        {
            Fail(call, JsonRpcError.RequestTimedOut);
        }

        _calls.RunNextSequential(_self);
        if (next != long.MaxValue)
        {
            ScheduleSweep(next);
        }
    }

    private void Fail(InFlightCalls.InFlight call, JsonRpcError error)
    {
        CallMetrics.Failed(call, error);
        AnswerError(call.ReplyTo, error);
    }

    /// <summary>Sends a reply, or files it in its batch, which goes out whole, in request order, once complete.</summary>
    private void Answer(ReplyTo replyTo, byte[] reply)
    {
        if (replyTo.Batch is not { } batch)
        {
            _owner.Send(reply);
        }
        else if (batch.Fill(replyTo.Slot, reply))
        {
            _owner.Send(JsonRpcEncoder.Batch(batch.Replies));
        }
    }

    private sealed class SweepTimeouts
    {
        public static SweepTimeouts Instance { get; } = new();

        private SweepTimeouts()
        {
        }
    }
}
