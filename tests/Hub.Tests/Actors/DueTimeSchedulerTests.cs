using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Hub.Engine;
using Hub.Tests.Support;

namespace Hub.Tests.Actors;

/// <summary>The engine's scheduler (<see cref="DueTimeScheduler"/>): Akka's schedule calls on .NET timers.</summary>
public sealed class DueTimeSchedulerTests(ITestOutputHelper output) : TestKit(HubSettings.DefaultConfig(), output: output)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void The_engine_defaults_name_it_as_the_actor_systems_scheduler()
    {
        Assert.IsType<DueTimeScheduler>(Sys.Scheduler);
    }

    [Fact]
    public void A_scheduled_tell_arrives_once_its_delay_has_passed_with_its_sender()
    {
        var sender = CreateTestProbe();
        var started = Stopwatch.StartNew();

        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(100), TestActor, "due", sender.Ref);

        ExpectMsg("due", Waits.Max);
        Assert.Equal(sender.Ref, LastSender);
        // .NET timers may fire up to a clock tick early; never by a large part of the delay.
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(85), $"arrived after {started.Elapsed}");
        ExpectNoMsg(Waits.Quiet);
    }

    [Fact]
    public void Tasks_due_at_different_times_run_in_the_order_they_are_due()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(150), TestActor, 3, ActorRefs.NoSender);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(100), TestActor, 2, ActorRefs.NoSender);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.Zero, TestActor, 1, ActorRefs.NoSender);

        Assert.Equal(1, ExpectMsg<int>(Waits.Max));
        Assert.Equal(2, ExpectMsg<int>(Waits.Max));
        Assert.Equal(3, ExpectMsg<int>(Waits.Max));
    }

    [Fact]
    public void A_task_cancelled_before_it_is_due_never_runs()
    {
        var cancelable = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(50), TestActor, "cancelled", ActorRefs.NoSender, cancelable);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(150), TestActor, "later", ActorRefs.NoSender);

        cancelable.Cancel();

        ExpectMsg("later", Waits.Max);
        ExpectNoMsg(Waits.Quiet);
    }

    [Fact]
    public void A_repeated_task_runs_until_it_is_cancelled()
    {
        var cancelable = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.Zero, TimeSpan.FromMilliseconds(20), TestActor, "tick", ActorRefs.NoSender, cancelable);

        for (var i = 0; i < 5; i++)
        {
            ExpectMsg("tick", Waits.Max);
        }

        cancelable.Cancel();
        // A run that was already under way when it was cancelled may still deliver; nothing after it.
        ReceiveWhile(Waits.Quiet, message => message);
        ExpectNoMsg(Waits.Quiet);
    }

    [Fact]
    public void A_repeated_action_never_runs_twice_at_once()
    {
        var running = 0;
        var overlaps = 0;
        var runs = 0;
        var cancelable = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.Advanced.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.FromMilliseconds(1), () =>
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            Thread.Sleep(5);
            Interlocked.Decrement(ref running);
            if (Interlocked.Increment(ref runs) == 10)
            {
                TestActor.Tell("ten");
            }
        }, cancelable);

        ExpectMsg("ten", Waits.Max);
        cancelable.Cancel();
        Assert.Equal(0, Volatile.Read(ref overlaps));
    }

    [Fact]
    public void A_failing_task_is_logged_and_later_tasks_still_run()
    {
        EventFilter.Exception<InvalidOperationException>().ExpectOne(() =>
            Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => throw new InvalidOperationException("task failed")));

        Sys.Scheduler.ScheduleTellOnce(TimeSpan.Zero, TestActor, "after", ActorRefs.NoSender);
        ExpectMsg("after", Waits.Max);
    }

    [Fact]
    public void Cancelled_tasks_are_taken_off_at_once_not_when_they_would_have_been_due()
    {
        using var scheduler = NewScheduler();
        var cancelables = Enumerable.Range(0, 1_000).Select(_ => new Cancelable((IScheduler)scheduler)).ToList();
        foreach (var cancelable in cancelables)
        {
            ((IActionScheduler)scheduler).ScheduleOnce(Hour, () => { }, cancelable);
        }

        Assert.Equal(1_000, scheduler.Pending);
        cancelables.ForEach(cancelable => cancelable.Cancel());

        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public void Disposing_runs_each_pending_task_once_and_refuses_new_ones()
    {
        var scheduler = NewScheduler();
        var runs = 0;
        var cancelled = new Cancelable((IScheduler)scheduler);
        ((IActionScheduler)scheduler).ScheduleOnce(Hour, () => Interlocked.Increment(ref runs));
        ((IActionScheduler)scheduler).ScheduleRepeatedly(Hour, Hour, () => Interlocked.Increment(ref runs));
        ((IActionScheduler)scheduler).ScheduleOnce(Hour, () => Interlocked.Add(ref runs, 100), cancelled);
        cancelled.Cancel();

        scheduler.Dispose();

        Assert.Equal(2, runs);
        Assert.Equal(0, scheduler.Pending);
        Assert.Throws<SchedulerException>(() => ((IActionScheduler)scheduler).ScheduleOnce(TimeSpan.Zero, () => { }));
    }

    private DueTimeScheduler NewScheduler() => new(ConfigurationFactory.Empty, Sys.Log);
}
