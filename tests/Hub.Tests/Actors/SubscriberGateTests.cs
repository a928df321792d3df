using System.Text;
using Akka.TestKit.Xunit2;
using Hub.Connections;
using Hub.Topics;

namespace Hub.Tests.Actors;

/// <summary>What a connection's subscriptions let through to its writer, and when.</summary>
public sealed class SubscriberGateTests(ITestOutputHelper output) : TestKit(output: output)
{
    private readonly RecordingTransport _transport = new();

    [Fact]
    public async Task Frames_arriving_before_the_subscription_opens_follow_what_the_connection_queued_first()
    {
        var (gate, writer) = Create();
        var subscription = gate.Subscribe("t");

        subscription.Deliver(Notification("live"));
        writer.TryEnqueue(Encoding.UTF8.GetBytes("reply"));
        subscription.Open();

        Assert.Equal("reply", await _transport.NextFrameAsync());
        Assert.Equal("live", await _transport.NextFrameAsync());
    }

    [Fact]
    public async Task Frames_routed_to_an_ended_subscription_never_follow_the_next_subscription_to_the_topic()
    {
        var (gate, writer) = Create();
        var first = gate.Subscribe("t");
        first.Open();
        first.Close();
        var second = gate.Subscribe("t");

        // The router still held the first subscription when it delivered this (the unsubscribe was on its way).
        first.Deliver(Notification("old"));
        writer.TryEnqueue(Encoding.UTF8.GetBytes("retained"));
        second.Open();
        second.Deliver(Notification("new"));

        Assert.Equal("retained", await _transport.NextFrameAsync());
        Assert.Equal("new", await _transport.NextFrameAsync());
        await _transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Closed_subscription_drops_what_it_held()
    {
        var (gate, _) = Create();
        var subscription = gate.Subscribe("t");
        subscription.Deliver(Notification("held"));

        subscription.Close();
        subscription.Open();

        await _transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Holding_more_than_the_limit_tells_the_connection_it_is_a_slow_consumer()
    {
        var (gate, _) = Create(maxPending: 2);
        var subscription = gate.Subscribe("t");

        for (var i = 0; i < 3; i++)
        {
            subscription.Deliver(Notification("held"));
        }

        await ExpectMsgAsync<SubscriberGate.SlowConsumer>();
    }

    private (SubscriberGate Gate, ConnectionWriter Writer) Create(int maxPending = 100)
    {
        var writer = new ConnectionWriter(_transport, TestActor, maxMessages: 100, maxBytes: 1 << 20);
        return (new SubscriberGate(writer, TestActor, maxPending), writer);
    }

    private static TopicProtocol.Deliver Notification(string text) => new("t", Encoding.UTF8.GetBytes(text));
}
