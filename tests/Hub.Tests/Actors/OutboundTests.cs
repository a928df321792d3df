using System.Text;
using Akka.TestKit.Xunit2;
using Hub.Connections;
using Hub.Topics;

namespace Hub.Tests.Actors;

/// <summary>The one ordered outbound channel of a connection: what reaches the client, in which order, and the close.</summary>
public sealed class OutboundTests(ITestOutputHelper output) : TestKit(output: output)
{
    private readonly RecordingTransport _transport = new();

    [Fact]
    public async Task Frames_arriving_before_the_subscription_opens_follow_what_the_connection_sent_first()
    {
        var outbound = Create();
        var subscription = outbound.Subscribe("t");

        subscription.Deliver(Notification("live"));
        outbound.TrySend(Encoding.UTF8.GetBytes("reply"));
        subscription.Open();

        Assert.Equal("reply", await _transport.NextFrameAsync());
        Assert.Equal("live", await _transport.NextFrameAsync());
    }

    [Fact]
    public async Task Frames_routed_to_an_ended_subscription_never_follow_the_next_subscription_to_the_topic()
    {
        var outbound = Create();
        var first = outbound.Subscribe("t");
        first.Open();
        first.Close();
        var second = outbound.Subscribe("t");

        // The router still held the first subscription when it delivered this (the unsubscribe was on its way).
        first.Deliver(Notification("old"));
        outbound.TrySend(Encoding.UTF8.GetBytes("retained"));
        second.Open();
        second.Deliver(Notification("new"));

        Assert.Equal("retained", await _transport.NextFrameAsync());
        Assert.Equal("new", await _transport.NextFrameAsync());
        await _transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Closed_subscription_drops_what_it_held()
    {
        var outbound = Create();
        var subscription = outbound.Subscribe("t");
        subscription.Deliver(Notification("held"));

        subscription.Close();
        subscription.Open();

        await _transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Holding_more_than_the_limit_tells_the_owner_it_overflowed_and_nothing_more_is_written()
    {
        var outbound = Create(maxMessages: 2);
        var subscription = outbound.Subscribe("t");

        for (var i = 0; i < 3; i++)
        {
            subscription.Deliver(Notification("held"));
        }

        await ExpectMsgAsync<Outbound.Overflowed>();
        subscription.Open();
        await _transport.ExpectNoFrameAsync();
    }

    [Fact]
    public void Own_frame_past_the_limits_is_refused()
    {
        var outbound = new Outbound(new RecordingTransport(RecordingTransport.Stalled), TestActor, maxMessages: 2, maxBytes: 1 << 20);

        Assert.True(outbound.TrySend(Encoding.UTF8.GetBytes("one")));
        Assert.True(outbound.TrySend(Encoding.UTF8.GetBytes("two")));
        Assert.False(outbound.TrySend(Encoding.UTF8.GetBytes("three")));
    }

    [Fact]
    public async Task Close_goes_after_every_frame_sent_before_it_and_nothing_after_it()
    {
        var outbound = Create();
        var subscription = outbound.Subscribe("t");
        subscription.Open();

        outbound.TrySend(Encoding.UTF8.GetBytes("reply"));
        outbound.Close(1001, "server shutting down");
        outbound.TrySend(Encoding.UTF8.GetBytes("late reply"));
        subscription.Deliver(Notification("late delivery"));

        Assert.Equal("reply", await _transport.NextFrameAsync());
        Assert.Equal((1001, "server shutting down"), await _transport.ClosedAsync());
        Assert.Null((await ExpectMsgAsync<Outbound.Ended>()).Failure);
        await _transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Close_now_drops_what_is_queued_and_tells_the_owner_nothing()
    {
        var stalled = new RecordingTransport(RecordingTransport.Stalled);
        var outbound = new Outbound(stalled, TestActor, maxMessages: 10, maxBytes: 1 << 20);
        outbound.TrySend(Encoding.UTF8.GetBytes("being written"));
        outbound.TrySend(Encoding.UTF8.GetBytes("queued"));

        outbound.CloseNow(1008, "slow consumer");

        Assert.Equal("being written", await stalled.NextFrameAsync());
        Assert.Equal((1008, "slow consumer"), await stalled.ClosedAsync());
        await stalled.ExpectNoFrameAsync();
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Stopping_without_a_close_closes_with_1011_once_and_a_closed_transport_is_not_closed_again()
    {
        var outbound = Create();
        outbound.Stop();
        Assert.Equal((1011, "internal error"), await _transport.ClosedAsync());
        await _transport.ActorStopped.WaitAsync(Support.Waits.Max);

        var ended = new RecordingTransport();
        var other = new Outbound(ended, TestActor, maxMessages: 10, maxBytes: 1 << 20);
        other.TransportEnded();
        other.Stop();
        await ended.ActorStopped.WaitAsync(Support.Waits.Max);
        Assert.False(ended.Closed.IsCompleted);
    }

    [Fact]
    public async Task Failed_write_drops_the_transport_and_tells_the_owner_why()
    {
        var failing = new RecordingTransport(Task.FromException(new IOException("reset")));
        var outbound = new Outbound(failing, TestActor, maxMessages: 10, maxBytes: 1 << 20);

        outbound.TrySend(Encoding.UTF8.GetBytes("reply"));

        var ended = await ExpectMsgAsync<Outbound.Ended>();
        Assert.IsType<IOException>(ended.Failure);
        Assert.True(failing.Aborted);
    }

    private Outbound Create(int maxMessages = 100) => new(_transport, TestActor, maxMessages, maxBytes: 1 << 20);

    private static TopicProtocol.Deliver Notification(string text) => new("t", Encoding.UTF8.GetBytes(text));
}
