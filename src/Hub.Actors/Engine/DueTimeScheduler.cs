using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace Hub.Engine;

/// <summary>
/// Akka's scheduler on .NET's own timer queue, named by <c>akka.scheduler.implementation</c> in <c>hocon/hub.hocon</c>:
/// it wakes when something is due and not otherwise. Akka's default (<c>HashedWheelTimerScheduler</c>) ticks every
/// <c>akka.scheduler.tick-duration</c> (10 ms) whether or not anything is due; on an idle node each tick wakes a
/// thread-pool thread, which spins before it sleeps again, and that was most of the 3-4% of a core an idle hub used.
/// .NET's timers are already a well-kept timer wheel: this class only maps Akka's schedule calls onto them. Due times
/// are as precise as the .NET timer (about 1 ms), not rounded up to a tick.
/// </summary>
/// <remarks>
/// A repeated task runs at <c>initialDelay + n x interval</c> from when it was scheduled, never two runs at once (the
/// next is armed after a run ends; a run that overruns is followed by the next at once, without piling up). A cancelled
/// task is taken off the timer queue when it is cancelled, not when it would have been due. As with Akka's scheduler,
/// disposing (the actor system's end) runs each task still pending once, so nothing waiting on one is stranded.
/// </remarks>
internal sealed class DueTimeScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    private static readonly long Origin = Stopwatch.GetTimestamp();
    private readonly ConcurrentDictionary<Scheduled, byte> _pending = new();
    private volatile bool _stopped;

    /// <summary>Called by Akka with <c>akka.scheduler</c>; reads nothing from it (there is no tick to set).</summary>
    public DueTimeScheduler(Config scheduler, ILoggingAdapter log)
        : base(scheduler, log)
    {
    }

    /// <summary>Tasks scheduled and neither run (once), cancelled nor disposed.</summary>
    internal int Pending => _pending.Count;

    /// <inheritdoc />
    protected override DateTimeOffset TimeNow => DateTimeOffset.UtcNow;

    /// <inheritdoc />
    public override TimeSpan MonotonicClock => Stopwatch.GetElapsedTime(Origin);

    /// <inheritdoc />
    public override TimeSpan HighResMonotonicClock => Stopwatch.GetElapsedTime(Origin);

    /// <inheritdoc />
    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(delay, TimeSpan.Zero, new Tell(receiver, message, sender), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new Tell(receiver, message, sender), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Schedule(delay, TimeSpan.Zero, new ActionRunnable(action), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Schedule(delay, TimeSpan.Zero, action, cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new ActionRunnable(action), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, action, cancelable);

    /// <summary>Stops every timer and runs each task still pending once; later schedule calls throw <see cref="SchedulerException"/>.</summary>
    public void Dispose()
    {
        _stopped = true;
        foreach (var task in _pending.Keys)
        {
            if (task.TakeForShutdown())
            {
                Run(task.Action);
            }
        }

        _pending.Clear();
    }

    private void Schedule(TimeSpan delay, TimeSpan interval, IRunnable action, ICancelable? cancelable)
    {
        if (_stopped)
        {
            throw new SchedulerException("cannot enqueue after timer shutdown");
        }

        if (cancelable?.IsCancellationRequested == true)
        {
            return;
        }

        var task = new Scheduled(this, action, cancelable, interval);
        _pending[task] = 0;
        task.Start(delay);
    }

    private void Run(IRunnable action)
    {
        try
        {
            action.Run();
        }
        catch (SchedulerException)
        {
            // A task scheduling more work while the system stops: nothing is left to run it.
        }
        catch (Exception ex)
        {
            Log.Error(ex, "A scheduled task failed: {0}", action);
        }
    }

    /// <summary>One scheduled task: its .NET timer, and whether it has run (once) or been taken off.</summary>
    private sealed class Scheduled : IDisposable
    {
        private const int Waiting = 0;
        private const int Running = 1;
        private const int Done = 2;

        private readonly DueTimeScheduler _owner;
        private readonly ICancelable? _cancelable;
        private readonly TimeSpan _interval;
        private readonly Timer _timer;
        private CancellationTokenRegistration _onCancel;
        private long _firstDue;
        private long _runs;
        private int _state;

        public Scheduled(DueTimeScheduler owner, IRunnable action, ICancelable? cancelable, TimeSpan interval)
        {
            _owner = owner;
            Action = action;
            _cancelable = cancelable;
            _interval = interval;

            // The timer must not capture the scheduling caller's ExecutionContext: a repeated task would hold its
            // AsyncLocals (log scopes, activities) for as long as it repeats.
            var flow = ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow();
            try
            {
                _timer = new Timer(static state => ((Scheduled)state!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
            }
            finally
            {
                flow?.Undo();
            }
        }

        public IRunnable Action { get; }

        public void Start(TimeSpan delay)
        {
            _firstDue = Environment.TickCount64 + (long)delay.TotalMilliseconds;
            if (_cancelable is not null)
            {
                _onCancel = _cancelable.Token.UnsafeRegister(static state => ((Scheduled)state!).Dispose(), this);
            }

            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }

        /// <summary>Claims the task for the shutdown run: true when it was waiting and not cancelled.</summary>
        public bool TakeForShutdown()
        {
            _timer.Dispose();
            return Interlocked.CompareExchange(ref _state, Done, Waiting) == Waiting && _cancelable?.IsCancellationRequested != true;
        }

        private void Fire()
        {
            if (_owner._stopped || _cancelable?.IsCancellationRequested == true || Interlocked.CompareExchange(ref _state, Running, Waiting) != Waiting)
            {
                Dispose();
                return;
            }

            var repeats = _interval > TimeSpan.Zero;
            if (!repeats)
            {
                Dispose();
            }

            _owner.Run(Action);
            if (!repeats || Interlocked.CompareExchange(ref _state, Waiting, Running) != Running)
            {
                return;
            }

            // The next run is due interval after the last due time, not after the run ended, so a repeated task keeps
            // its rate; one that overran is due at once.
            _runs++;
            var due = TimeSpan.FromMilliseconds(_firstDue - Environment.TickCount64) + _interval * _runs;
            try
            {
                _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Cancelled while it ran: Dispose took the timer off.
            }
        }

        /// <summary>Takes the task off: its timer, its cancellation callback and its place among the pending.</summary>
        public void Dispose()
        {
            Volatile.Write(ref _state, Done);
            _onCancel.Unregister();
            _timer.Dispose();
            _owner._pending.TryRemove(this, out _);
        }
    }

    /// <summary>A scheduled tell, run as a plain <see cref="ICanTell.Tell"/>.</summary>
    private sealed class Tell(ICanTell receiver, object message, IActorRef sender) : IRunnable
    {
        public void Run() => receiver.Tell(message, sender);

        public void Execute() => Run();

        public override string ToString() => $"[{receiver}.Tell({message}, {sender})]";
    }
}
