using System.Diagnostics;
using Akka.Actor;
using Hub.Methods;

namespace Hub.Connections;

/// <summary>
/// One connection's calls awaiting their replies, each answered once (by its reply, its timeout or the loss of its
/// node), and the line of its calls to sequential methods: the next goes when the one running has finished.
/// </summary>
internal sealed class InFlightCalls
{
    private readonly Dictionary<long, InFlight> _calls = [];
    private long _nextKey;

    // The call of a sequential method running now (0: none), and those waiting for it, in arrival order.
    private long _sequentialRunning;
    private Queue<(IActorRef Actor, DelegateMethod? Delegate, MethodProtocol.Invoke Invoke)>? _sequentialWaiting;

    public int Count => _calls.Count;

    /// <summary>True while a call to a sequential method of this connection runs or waits.</summary>
    public bool SequentialBusy => _sequentialRunning != 0 || _sequentialWaiting is { Count: > 0 };

    /// <summary>A key for the next call, unique on this connection.</summary>
    public long NextKey() => ++_nextKey;

    public void Add(long key, InFlight call) => _calls[key] = call;

    /// <summary>
    /// Sends <paramref name="invoke"/> now, or, for a sequential method while another sequential call of this
    /// connection runs, once that one and those waiting before it have finished. A delegate method of this node
    /// (<paramref name="delegate"/>) runs the call itself, without the hop through its actor.
    /// </summary>
    public void Run(IActorRef actor, MethodProtocol.Invoke invoke, bool sequential, IActorRef sender, DelegateMethod? @delegate = null)
    {
        if (sequential)
        {
            if (_sequentialRunning != 0)
            {
                (_sequentialWaiting ??= new Queue<(IActorRef, DelegateMethod?, MethodProtocol.Invoke)>()).Enqueue((actor, @delegate, invoke));
                return;
            }

            _sequentialRunning = invoke.CallKey;
        }

        Start(actor, @delegate, invoke, sender);
    }

    /// <summary>The call of a sequential method that runs now (one run by the connection itself and still pending).</summary>
    public void RunningSequential(long key) => _sequentialRunning = key;

    /// <summary>
    /// Removes a call that has been answered; false when it was answered already. The caller then calls
    /// <see cref="RunNextSequential"/>, once it has removed all it answers.
    /// </summary>
    public bool Finish(long key, out InFlight call)
    {
        if (!_calls.Remove(key, out call))
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
    public void RunNextSequential(IActorRef sender)
    {
        while (_sequentialRunning == 0 && _sequentialWaiting is { Count: > 0 })
        {
            var (actor, @delegate, invoke) = _sequentialWaiting.Dequeue();
            if (_calls.ContainsKey(invoke.CallKey))
            {
                _sequentialRunning = invoke.CallKey;
                Start(actor, @delegate, invoke, sender);
            }
        }
    }

    private static void Start(IActorRef actor, DelegateMethod? @delegate, MethodProtocol.Invoke invoke, IActorRef sender)
    {
        if (@delegate is not null)
        {
            @delegate.Run(invoke, sender);
        }
        else
        {
            actor.Tell(invoke, sender);
        }
    }

    /// <summary>
    /// Removes and returns the calls past their deadline; <paramref name="next"/> is the earliest deadline left
    /// (long.MaxValue: none). A call whose method wrote its reply directly stays: its completion is on its way.
    /// </summary>
    public List<InFlight>? TakeExpired(long now, out long next)
    {
        next = long.MaxValue;
        List<long>? expired = null;
        foreach (var (key, call) in _calls)
        {
            if (call.Deadline <= now)
            {
                if (call.Direct?.TryTake() ?? true)
                {
                    (expired ??= []).Add(key);
                }
            }
            else
            {
                next = Math.Min(next, call.Deadline);
            }
        }

        return expired?.Select(key => Finish(key, out var call) ? call : default).ToList();
    }

    /// <summary>Removes and returns the calls sent to <paramref name="node"/>.</summary>
    public List<InFlight> TakeSentTo(Address node)
    {
        var lost = _calls.Where(kv => kv.Value.Node == node).Select(kv => kv.Key).ToList();
        return [.. lost.Select(key => Finish(key, out var call) ? call : default)];
    }

    /// <summary>
    /// A call awaiting its reply. <see cref="Method"/> (the metrics tag; null for one the connection answers itself)
    /// and <see cref="Started"/> time it, and past <see cref="Deadline"/> (Stopwatch timestamps both) it is answered
    /// <c>-32001</c>; <see cref="Node"/> is the node serving it when not this one; <see cref="Direct"/>, when the method
    /// may write its reply itself.
    /// </summary>
    public readonly record struct InFlight(ReplyTo ReplyTo, Address? Node = null, string? Method = null, long Started = 0, long Deadline = long.MaxValue, DirectReply? Direct = null)
    {
        /// <summary>A call answered by the connection itself once something it waits for arrives: no deadline, not timed.</summary>
        public static InFlight Held(ReplyTo replyTo) => new(replyTo);

        public static long Now => Stopwatch.GetTimestamp();
    }
}
