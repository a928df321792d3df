using System.Text;
using Akka.TestKit.Xunit2;
using Hub.Connections;
using Hub.Methods;
using Hub.Protocol;

namespace Hub.Tests.Actors;

/// <summary>A connection's calls in flight: answered once, by the method's direct reply or the connection's timeout; sequential calls in line.</summary>
public sealed class InFlightCallsTests(ITestOutputHelper output) : TestKit(output: output)
{
    private readonly RecordingTransport _transport = new();

    [Fact]
    public async Task Reply_written_by_the_method_keeps_the_call_past_its_deadline_until_its_completion_comes()
    {
        var calls = new InFlightCalls();
        var direct = new DirectReply(new Outbound(_transport, TestActor, 10, 1 << 20));
        var key = calls.NextKey();
        calls.Add(key, new InFlightCalls.InFlight(new ReplyTo(RequestId.FromNumber(1)), Deadline: 100, Direct: direct));

        direct.Write(Encoding.UTF8.GetBytes("reply"));
        var expired = calls.TakeExpired(now: 200, out var next);

        Assert.Null(expired);
        Assert.Equal(long.MaxValue, next);
        Assert.Equal(1, calls.Count);
        Assert.True(direct.Written);
        Assert.Equal("reply", await _transport.NextFrameAsync());
    }

    [Fact]
    public async Task Call_timed_out_by_the_connection_never_gets_the_methods_late_reply_written()
    {
        var calls = new InFlightCalls();
        var direct = new DirectReply(new Outbound(_transport, TestActor, 10, 1 << 20));
        var key = calls.NextKey();
        calls.Add(key, new InFlightCalls.InFlight(new ReplyTo(RequestId.FromNumber(1)), Deadline: 100, Direct: direct));

        var expired = calls.TakeExpired(now: 200, out _);
        direct.Write(Encoding.UTF8.GetBytes("late reply"));

        Assert.Single(expired!);
        Assert.Equal(0, calls.Count);
        Assert.False(direct.Written);
        await _transport.ExpectNoFrameAsync();
    }

    [Fact]
    public void Earliest_deadline_left_is_the_next_sweep()
    {
        var calls = new InFlightCalls();
        calls.Add(calls.NextKey(), new InFlightCalls.InFlight(new ReplyTo(RequestId.FromNumber(1)), Deadline: 100));
        calls.Add(calls.NextKey(), new InFlightCalls.InFlight(new ReplyTo(RequestId.FromNumber(2)), Deadline: 300));
        calls.Add(calls.NextKey(), new InFlightCalls.InFlight(new ReplyTo(RequestId.FromNumber(3)), Deadline: 250));

        var expired = calls.TakeExpired(now: 200, out var next);

        Assert.Equal([RequestId.FromNumber(1)], expired!.Select(c => c.ReplyTo.Id!.Value));
        Assert.Equal(250, next);
    }

    [Fact]
    public void Sequential_calls_go_one_at_a_time_in_arrival_order_and_one_answered_while_waiting_is_not_sent()
    {
        var calls = new InFlightCalls();
        var method = CreateTestProbe();
        var keys = Enumerable.Range(0, 3).Select(_ => calls.NextKey()).ToList();
        foreach (var key in keys)
        {
            calls.Add(key, new InFlightCalls.InFlight(new ReplyTo(RequestId.FromNumber(key))));
            calls.Run(method.Ref, Invoke(key), sequential: true, TestActor);
        }

        Assert.Equal(keys[0], method.ExpectMsg<MethodProtocol.Invoke>().CallKey);
        method.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        calls.Finish(keys[1], out _); // answered while it waited (its timeout)
        calls.Finish(keys[0], out _);
        calls.RunNextSequential(TestActor);

        Assert.Equal(keys[2], method.ExpectMsg<MethodProtocol.Invoke>().CallKey);
        method.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private static MethodProtocol.Invoke Invoke(long key) =>
        new(key, RequestId.FromNumber(key), "m", null, new MethodProtocol.Caller("ws-test", Hub.Auth.HubUser.Anonymous, null), TimeSpan.FromMinutes(1));
}
