using Akka.Actor;
using Hub.Connections;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Actors;

/// <summary>A <see cref="ConnectionActor"/>'s outbound limits, draining, ending, and calls to its client.</summary>
public sealed class ConnectionActorLifecycleTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    [Fact]
    public async Task Client_that_stops_reading_is_closed_with_1008_past_the_outbound_limit_and_the_actor_stops()
    {
        var runtime = StartHub(settings: new HubSettings { OutboundMaxMessages = 2 });
        var transport = new RecordingTransport(RecordingTransport.Stalled);
        var connection = await OpenAsync(runtime, transport);
        Watch(connection);

        // The first reply is being written (and never finishes), two more wait behind it: one over the limit.
        for (var id = 1; id <= 3; id++)
        {
            await SendFrameAsync(connection, "{\"jsonrpc\":\"2.0\",\"method\":\"get_topics\",\"id\":" + id + "}");
        }

        Assert.Equal((1008, "slow consumer"), await transport.ClosedAsync());
        await ExpectTerminatedAsync(connection, Waits.Max);
    }

    [Fact]
    public async Task Client_that_stops_reading_is_closed_with_1008_past_the_outbound_byte_limit()
    {
        var runtime = StartHub(settings: new HubSettings { OutboundMaxBytes = 100 });
        var transport = new RecordingTransport(RecordingTransport.Stalled);
        var connection = await OpenAsync(runtime, transport);
        Watch(connection);

        // Each reply is 36 bytes: the third brings what is queued to 108.
        for (var id = 1; id <= 3; id++)
        {
            await SendFrameAsync(connection, "{\"jsonrpc\":\"2.0\",\"method\":\"get_topics\",\"id\":" + id + "}");
        }

        Assert.Equal((1008, "slow consumer"), await transport.ClosedAsync());
        await ExpectTerminatedAsync(connection, Waits.Max);
    }

    [Fact]
    public async Task Failed_write_aborts_the_transport_and_stops_the_actor()
    {
        var runtime = StartHub();
        var transport = new RecordingTransport(Task.FromException(new IOException("connection reset")));
        var connection = await OpenAsync(runtime, transport);
        Watch(connection);

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"get_topics","id":1}""");

        await ExpectTerminatedAsync(connection, Waits.Max);
        Assert.True(transport.Aborted);
    }

    [Fact]
    public async Task Drain_of_a_client_that_stops_reading_still_closes_with_1001()
    {
        var runtime = StartHub();
        var transport = new RecordingTransport(RecordingTransport.Stalled);
        var connection = await OpenAsync(runtime, transport);
        Watch(connection);
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"get_topics","id":1}""");

        connection.Tell(ConnectionProtocol.Drain.Instance);

        await ExpectTerminatedAsync(connection, Waits.Max);
        Assert.Equal((1001, "server shutting down"), await transport.ClosedAsync());
    }

    [Fact]
    public async Task Client_that_reads_is_not_closed_however_many_replies_it_gets()
    {
        var runtime = StartHub(settings: new HubSettings { OutboundMaxMessages = 2 });
        var transport = new RecordingTransport();
        var connection = await OpenAsync(runtime, transport);

        for (var id = 1; id <= 10; id++)
        {
            await SendFrameAsync(connection, "{\"jsonrpc\":\"2.0\",\"method\":\"get_topics\",\"id\":" + id + "}");
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":" + id + "}", await transport.NextFrameAsync());
        }

        Assert.False(transport.Closed.IsCompleted);
    }

    [Fact]
    public async Task Drain_with_nothing_in_flight_closes_with_1001_and_stops()
    {
        var (connection, transport) = await OpenAsync();
        Watch(connection);

        connection.Tell(ConnectionProtocol.Drain.Instance);

        Assert.Equal((1001, "server shutting down"), await transport.ClosedAsync());
        await ExpectTerminatedAsync(connection, Waits.Max);
    }

    [Fact]
    public async Task Drain_sends_the_in_flight_reply_before_closing()
    {
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (connection, transport) = await OpenAsync(h => h.AddMethod("wait", () => gate.Task));
        Watch(connection);
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"wait","id":1}""");

        connection.Tell(ConnectionProtocol.Drain.Instance);
        await transport.ExpectNoFrameAsync();
        Assert.False(transport.Closed.IsCompleted);
        gate.SetResult("done");

        Assert.Equal("""{"jsonrpc":"2.0","result":"done","id":1}""", await transport.NextFrameAsync());
        Assert.Equal((1001, "server shutting down"), await transport.ClosedAsync());
        await ExpectTerminatedAsync(connection, Waits.Max);
    }

    [Fact]
    public async Task Call_while_draining_answers_32004()
    {
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (connection, transport) = await OpenAsync(h => h.AddMethod("wait", () => gate.Task));
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"wait","id":1}""");
        connection.Tell(ConnectionProtocol.Drain.Instance);

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"wait","id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32004,"message":"Server shutting down"},"id":2}""", await transport.NextFrameAsync());
        gate.SetResult("done");
    }

    [Fact]
    public async Task GoAway_closes_with_1001_while_a_call_is_in_flight()
    {
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (connection, transport) = await OpenAsync(h => h.AddMethod("wait", () => gate.Task));
        Watch(connection);
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"wait","id":1}""");

        connection.Tell(ConnectionProtocol.GoAway.Instance);

        Assert.Equal((1001, "server shutting down"), await transport.ClosedAsync());
        await ExpectTerminatedAsync(connection, Waits.Max);
        gate.SetResult("done");
    }

    [Fact]
    public async Task Inbound_completion_stops_the_actor_without_a_close_of_its_own()
    {
        var (connection, transport) = await OpenAsync();
        Watch(connection);

        connection.Tell(new ConnectionProtocol.InboundCompleted(null));

        await ExpectTerminatedAsync(connection, Waits.Max);
        Assert.False(transport.Closed.IsCompleted);
    }

    [Fact]
    public async Task A_stopping_actor_tells_its_transport_it_stopped()
    {
        var (connection, transport) = await OpenAsync();
        Watch(connection);
        Assert.False(transport.ActorStopped.IsCompleted);

        connection.Tell(new ConnectionProtocol.InboundCompleted(null));

        await ExpectTerminatedAsync(connection, Waits.Max);
        await transport.ActorStopped.WaitAsync(Waits.Max);
    }

    [Fact]
    public async Task Client_call_answered_by_the_client_reaches_the_asker()
    {
        var (connection, transport) = await OpenAsync();
        var asker = CreateTestProbe();

        connection.Tell(new ConnectionProtocol.CallClient("confirm", new JObject { ["question"] = "sure?" }), asker.Ref);
        Assert.Equal("""{"jsonrpc":"2.0","method":"confirm","params":{"question":"sure?"},"id":"s:1"}""", await transport.NextFrameAsync());
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","result":{"ok":true},"id":"s:1"}""");

        var answered = await asker.ExpectMsgAsync<ConnectionProtocol.ClientAnswered>(Waits.Max);
        Assert.True(JToken.DeepEquals(new JObject { ["ok"] = true }, answered.Result));
        Assert.Null(answered.Error);
    }

    [Fact]
    public async Task Client_call_answered_with_an_error_reaches_the_asker_as_that_error()
    {
        var (connection, transport) = await OpenAsync();
        var asker = CreateTestProbe();

        connection.Tell(new ConnectionProtocol.CallClient("confirm", null), asker.Ref);
        Assert.Equal("""{"jsonrpc":"2.0","method":"confirm","id":"s:1"}""", await transport.NextFrameAsync());
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"s:1"}""");

        var answered = await asker.ExpectMsgAsync<ConnectionProtocol.ClientAnswered>(Waits.Max);
        Assert.Equal(-32601, answered.Error?.Code);
        Assert.Equal("Method not found", answered.Error?.Message);
    }

    [Fact]
    public async Task Client_reply_with_an_unknown_id_is_ignored()
    {
        var (connection, transport) = await OpenAsync();
        var asker = CreateTestProbe();
        connection.Tell(new ConnectionProtocol.CallClient("confirm", null), asker.Ref);
        await transport.NextFrameAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","result":"yes","id":"s:99"}""");

        await transport.ExpectNoFrameAsync();
        await asker.ExpectNoMsgAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task Client_call_still_open_when_the_connection_ends_fails_the_asker()
    {
        var (connection, transport) = await OpenAsync();
        var asker = CreateTestProbe();
        connection.Tell(new ConnectionProtocol.CallClient("confirm", null), asker.Ref);
        await transport.NextFrameAsync();

        connection.Tell(new ConnectionProtocol.InboundCompleted(null));

        await asker.ExpectMsgAsync<ConnectionProtocol.ClientUnavailable>(Waits.Max);
    }

    [Fact]
    public async Task Client_call_over_http_fails_the_asker()
    {
        var runtime = StartHub();
        var connection = await OpenAsync(runtime, new RecordingTransport(), isHttp: true);
        var asker = CreateTestProbe();

        connection.Tell(new ConnectionProtocol.CallClient("confirm", null), asker.Ref);

        await asker.ExpectMsgAsync<ConnectionProtocol.ClientUnavailable>(Waits.Max);
    }

    private async Task<(IActorRef Connection, RecordingTransport Transport)> OpenAsync(Action<HubBuilder>? configure = null)
    {
        var runtime = StartHub(configure);
        var transport = new RecordingTransport();
        return (await OpenAsync(runtime, transport), transport);
    }
}
