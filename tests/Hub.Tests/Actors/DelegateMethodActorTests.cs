using System.Text;
using Akka.Actor;
using Hub.Methods;
using Hub.Protocol;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Actors;

/// <summary>A delegate method's actor served through the Invoke/Completed protocol.</summary>
public sealed class DelegateMethodActorTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    [Fact]
    public async Task Call_completes_with_the_encoded_result()
    {
        var method = Start(h => h.AddMethod("m", (int a, int b) => a + b));

        var reply = await CallAsync(method, 1, "[1,2]");

        Assert.Equal("""{"jsonrpc":"2.0","result":3,"id":1}""", reply);
    }

    [Fact]
    public async Task Async_call_completes_with_the_awaited_result()
    {
        var method = Start(h => h.AddMethod("m", async (string s) =>
        {
            await Task.Yield();
            return new { echo = s };
        }));

        var reply = await CallAsync(method, 1, """["hi"]""");

        Assert.Equal("""{"jsonrpc":"2.0","result":{"echo":"hi"},"id":1}""", reply);
    }

    [Fact]
    public async Task Void_method_answers_null()
    {
        var method = Start(h => h.AddMethod("m", () => { }));

        var reply = await CallAsync(method, 1, null);

        Assert.Equal("""{"jsonrpc":"2.0","result":null,"id":1}""", reply);
    }

    [Fact]
    public async Task Notification_runs_and_completes_without_reply_bytes()
    {
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var method = Start(h => h.AddMethod("m", () => ran.TrySetResult()));
        var connection = CreateTestProbe();

        method.Tell(Invoke(3, null, null, Waits.Max), connection.Ref);

        var completed = await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max);
        Assert.Equal(3, completed.CallKey);
        Assert.Null(completed.Reply);
        await ran.Task.WaitAsync(Waits.Max);
    }

    [Fact]
    public async Task Failing_notification_completes_without_reply_bytes()
    {
        var method = Start(h => h.AddMethod("m", string () => throw new InvalidOperationException("nobody hears")));
        var connection = CreateTestProbe();

        method.Tell(Invoke(3, null, null, Waits.Max), connection.Ref);

        Assert.Null((await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max)).Reply);
    }

    [Fact]
    public async Task Exception_answers_32603_without_its_text()
    {
        var method = Start(h => h.AddMethod("m", string () => throw new InvalidOperationException("secret detail")));

        var reply = await CallAsync(method, 1, null);

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}""", reply);
    }

    [Fact]
    public async Task HubRpcException_answers_its_code_message_and_data()
    {
        var method = Start(h => h.AddMethod("m", string () => throw new HubRpcException(-32010, "Limit exceeded", new { limit = 100 })));

        var reply = await CallAsync(method, 1, null);

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32010,"message":"Limit exceeded","data":{"limit":100}},"id":1}""", reply);
    }

    [Fact]
    public async Task HubRpcException_without_data_answers_without_a_data_member()
    {
        var method = Start(h => h.AddMethod("m", string () => throw new HubRpcException(42, "Nope")));

        var reply = await CallAsync(method, 1, null);

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":42,"message":"Nope"},"id":1}""", reply);
    }

    [Fact]
    public async Task Call_past_its_timeout_answers_32001_and_cancels_the_handlers_token()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var method = Start(h => h.AddMethod("m", async (CancellationToken token) =>
        {
            using var registration = token.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, token);
        }));
        var connection = CreateTestProbe();

        method.Tell(Invoke(1, RequestId.FromNumber(1), null, TimeSpan.FromMilliseconds(200)), connection.Ref);

        var completed = await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max);
        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32001,"message":"Request timed out"},"id":1}""", Encoding.UTF8.GetString(completed.Reply!));
        await cancelled.Task.WaitAsync(Waits.Max);
    }

    [Fact]
    public async Task Handler_that_ignores_its_token_still_answers_32001_at_the_timeout()
    {
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var method = Start(h => h.AddMethod("m", () => gate.Task));
        var connection = CreateTestProbe();

        method.Tell(Invoke(1, RequestId.FromNumber(1), null, TimeSpan.FromMilliseconds(200)), connection.Ref);

        var completed = await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max);
        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32001,"message":"Request timed out"},"id":1}""", Encoding.UTF8.GetString(completed.Reply!));
        gate.SetResult("late");
        await connection.ExpectNoMsgAsync(Waits.Quiet);
    }

    [Fact]
    public async Task Slow_call_does_not_hold_up_the_next_one()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var method = Start(h => h.AddMethod("m", async (bool wait) =>
        {
            if (wait)
            {
                await gate.Task;
            }

            return wait;
        }));
        var connection = CreateTestProbe();

        method.Tell(Invoke(1, RequestId.FromNumber(1), "[true]", Waits.Max), connection.Ref);
        method.Tell(Invoke(2, RequestId.FromNumber(2), "[false]", Waits.Max), connection.Ref);

        Assert.Equal(2, (await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max)).CallKey);
        gate.SetResult();
        Assert.Equal(1, (await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max)).CallKey);
    }

    [Fact]
    public async Task Synchronous_handler_that_blocks_does_not_hold_up_the_next_call()
    {
        using var gate = new ManualResetEventSlim();
        var method = Start(h => h.AddMethod("m", (bool wait) => wait && gate.Wait(Waits.Max)));
        var connection = CreateTestProbe();

        method.Tell(Invoke(1, RequestId.FromNumber(1), "[true]", Waits.Max), connection.Ref);
        method.Tell(Invoke(2, RequestId.FromNumber(2), "[false]", Waits.Max), connection.Ref);

        Assert.Equal(2, (await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max)).CallKey);
        gate.Set();
        Assert.Equal(1, (await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max)).CallKey);
    }

    [Fact]
    public async Task Handler_receives_the_call_context()
    {
        var method = Start(h => h.AddMethod("m", (HubCallContext context) => new { context.ConnectionId, HasParams = context.Params is not null }));

        var reply = await CallAsync(method, 1, "[]");

        Assert.Equal("""{"jsonrpc":"2.0","result":{"ConnectionId":"ws-test","HasParams":true},"id":1}""", reply);
    }

    [Fact]
    public async Task Inline_method_answers_every_call_in_order_one_at_a_time()
    {
        var running = 0;
        var overlapped = false;
        var method = Start(h => h.AddMethod("m", (int n) =>
        {
            overlapped |= Interlocked.Increment(ref running) > 1;
            Thread.SpinWait(1_000);
            Interlocked.Decrement(ref running);
            return n;
        }).RunInline());
        var connection = CreateTestProbe();

        for (var i = 1; i <= 50; i++)
        {
            method.Tell(Invoke(i, RequestId.FromNumber(i), "[" + i + "]", Waits.Max), connection.Ref);
        }

        for (var i = 1; i <= 50; i++)
        {
            var completed = await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max);
            Assert.Equal(i, completed.CallKey);
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":" + i + ",\"id\":" + i + "}", Encoding.UTF8.GetString(completed.Reply!));
        }

        Assert.False(overlapped);
    }

    [Fact]
    public async Task Inline_method_that_throws_answers_32603_and_keeps_serving()
    {
        var method = Start(h => h.AddMethod("m", (int n) => n == 0 ? throw new InvalidOperationException("boom") : n).RunInline());

        Assert.Contains("\"code\":-32603", await CallAsync(method, 1, "[0]"), StringComparison.Ordinal);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":2}", await CallAsync(method, 2, "[2]"));
    }

    private IActorRef Start(Action<HubBuilder> configure)
    {
        var runtime = StartHub(configure);
        Assert.True(runtime.Methods.TryGetLocal("m", out var target));
        return target.Actor;
    }

    private static MethodProtocol.Invoke Invoke(long key, RequestId? id, string? parameters, TimeSpan timeout) =>
        new(key, id, "m", parameters is null ? null : JToken.Parse(parameters), new MethodProtocol.Caller("ws-test", Hub.Auth.HubUser.Anonymous, null), timeout);

    private async Task<string> CallAsync(IActorRef actor, long id, string? parameters)
    {
        var connection = CreateTestProbe();
        actor.Tell(Invoke(id, RequestId.FromNumber(id), parameters, Waits.Max), connection.Ref);
        var completed = await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max);
        Assert.Equal(id, completed.CallKey);
        return Encoding.UTF8.GetString(completed.Reply!);
    }
}
