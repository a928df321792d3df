using Akka.Actor;
using Hub.Connections;
using Hub.Methods;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Actors;

/// <summary>Calls through a <see cref="ConnectionActor"/>: replies as exact bytes, protocol errors, the in-flight limit.</summary>
public sealed class ConnectionActorTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    [Fact]
    public async Task Request_answers_the_method_result()
    {
        var (connection, transport) = await OpenAsync(h => h.AddMethod("add", (int a, int b) => a + b));

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":3,"id":1}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Request_with_a_string_id_echoes_it()
    {
        var (connection, transport) = await OpenAsync(h => h.AddMethod("add", (int a, int b) => a + b));

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"add","params":{"b":2,"a":1},"id":"x-1"}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":3,"id":"x-1"}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Notification_runs_and_gets_no_reply()
    {
        var ran = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (connection, transport) = await OpenAsync(h => h.AddMethod("note", (int n) => ran.TrySetResult(n)));

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"note","params":[5]}""");

        Assert.Equal(5, await ran.Task.WaitAsync(Waits.Max));
        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Notification_to_an_unknown_method_gets_no_reply()
    {
        var (connection, transport) = await OpenAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"nope"}""");

        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Batch_replies_come_in_request_order_whatever_order_they_finish_in()
    {
        var fastDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (connection, transport) = await OpenAsync(h => h
            .AddMethod("slow", async () =>
            {
                await fastDone.Task;
                return "slow";
            })
            .AddMethod("fast", () =>
            {
                fastDone.TrySetResult();
                return "fast";
            }));

        await SendFrameAsync(connection, """[{"jsonrpc":"2.0","method":"slow","id":1},{"jsonrpc":"2.0","method":"fast","id":2},{"jsonrpc":"2.0","method":"fast"},{"jsonrpc":"2.0","method":"nope","id":3}]""");

        Assert.Equal(
            """[{"jsonrpc":"2.0","result":"slow","id":1},{"jsonrpc":"2.0","result":"fast","id":2},{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":3}]""",
            await transport.NextFrameAsync());
        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Batch_of_notifications_only_gets_no_reply()
    {
        var (connection, transport) = await OpenAsync(h => h.AddMethod("ping", () => "pong"));

        await SendFrameAsync(connection, """[{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","method":"ping"}]""");

        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Unparsable_frame_answers_32700_with_id_null()
    {
        var (connection, transport) = await OpenAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":""");

        var reply = await transport.NextFrameAsync();
        Assert.StartsWith("""{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error",""", reply, StringComparison.Ordinal);
        Assert.EndsWith("""},"id":null}""", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_request_answers_32600_with_its_id()
    {
        var (connection, transport) = await OpenAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"1.0","method":"ping","id":4}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"'jsonrpc' must be \"2.0\""},"id":4}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Unknown_method_answers_32601()
    {
        var (connection, transport) = await OpenAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"nope","id":1}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Params_that_do_not_bind_answer_32602_with_the_reason()
    {
        var (connection, transport) = await OpenAsync(h => h.AddMethod("add", (int a, int b) => a + b));

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"add","params":[1],"id":1}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"missing parameter 'b'"},"id":1}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Integer_past_a_long_reaches_a_JToken_parameter_and_comes_back_digit_for_digit()
    {
        var (connection, transport) = await OpenAsync(h => h.AddMethod("echo", (JToken value) => value));

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"echo","params":[123456789012345678901234567890],"id":1}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":123456789012345678901234567890,"id":1}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Request_past_the_in_flight_limit_answers_32002_at_once()
    {
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (connection, transport) = await OpenAsync(h => h.AddMethod("wait", () => gate.Task), new HubSettings { MaxInFlight = 1 });
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"wait","id":1}""");

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"wait","id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32002,"message":"Too many requests"},"id":2}""", await transport.NextFrameAsync());
        gate.SetResult("done");
        Assert.Equal("""{"jsonrpc":"2.0","result":"done","id":1}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Answered_call_frees_its_in_flight_slot()
    {
        var (connection, transport) = await OpenAsync(h => h.AddMethod("ping", () => "pong"), new HubSettings { MaxInFlight = 1 });
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"ping","id":1}""");
        await transport.NextFrameAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"ping","id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":"pong","id":2}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Call_past_its_timeout_answers_32001_once_even_when_the_method_answers_later()
    {
        var gate = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (connection, transport) = await OpenAsync(h => h.AddMethodActor("stuck", Props.Create(() => new GatedActor(gate)), TimeSpan.FromMilliseconds(200)));

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"stuck","id":1}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32001,"message":"Request timed out"},"id":1}""", await transport.NextFrameAsync());
        gate.SetResult("late");
        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Handler_exception_answers_32603_and_the_connection_stays_open()
    {
        var (connection, transport) = await OpenAsync(h => h
            .AddMethod("boom", string () => throw new InvalidOperationException("secret detail"))
            .AddMethod("ping", () => "pong"));
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"boom","id":1}""");
        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}""", await transport.NextFrameAsync());

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"ping","id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":"pong","id":2}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Get_methods_lists_built_ins_first_then_methods_sorted()
    {
        var (connection, transport) = await OpenAsync(h => h.AddMethod("zeta", () => 1).AddMethod("alpha", () => 2));

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"get_methods","id":1}""");

        Assert.Equal(
            """{"jsonrpc":"2.0","result":["get_methods","get_topics","get_subscriptions","subscribe","unsubscribe","alpha","zeta"],"id":1}""",
            await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Http_connection_closes_with_1000_after_its_reply()
    {
        var runtime = StartHub(h => h.AddMethod("ping", () => "pong"));
        var transport = new RecordingTransport();
        var connection = await OpenAsync(runtime, transport, isHttp: true);
        Watch(connection);

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"ping","id":1}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":"pong","id":1}""", await transport.NextFrameAsync());
        Assert.Equal((1000, string.Empty), await transport.ClosedAsync());
        await ExpectTerminatedAsync(connection, Waits.Max);
    }

    private async Task<(IActorRef Connection, RecordingTransport Transport)> OpenAsync(
        Action<HubBuilder>? configure = null, HubSettings? settings = null)
    {
        var runtime = StartHub(configure, settings);
        var transport = new RecordingTransport();
        return (await OpenAsync(runtime, transport), transport);
    }

    /// <summary>Answers only when the test opens the gate, ignoring its cancellation token: only the connection's timer can answer first.</summary>
    private sealed class GatedActor(TaskCompletionSource<object?> gate) : MethodActor
    {
        protected override Task<object?> OnCallAsync(MethodCall request) => gate.Task;
    }
}
