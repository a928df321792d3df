using Hub.Bench.Load;
using Hub.Tests.Support;

namespace Hub.Tests.Bench;

/// <summary>
/// Each end-to-end scenario of bench/Hub.Bench for about a second against an in-process hub, so the benchmark cannot
/// rot. They assert that work was done and nothing was lost or failed, never how fast: figures go to bench/RESULTS.md.
/// </summary>
public sealed class BenchSmokeTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Rpc_scenario_completes_calls_without_errors()
    {
        await using var hub = await TestHub.StartAsync();

        var result = await RpcScenario.RunAsync(HubTarget(hub), new RpcOptions(Connections: 4, InFlight: 8, DurationSeconds: 1, WarmupSeconds: 0.2), CancellationToken.None).WaitAsync(Cap);

        Assert.Null(result.Failure);
        Assert.True(result.Calls > 0);
        Assert.Equal(0, result.Errors);
        Assert.True(result.Latency.Count > 0);
    }

    [Fact]
    public async Task Latency_scenario_completes_calls_one_at_a_time_without_errors()
    {
        await using var hub = await TestHub.StartAsync();

        var result = await RpcScenario.RunAsync(HubTarget(hub), new RpcOptions(1, 1, 1, 0.2), CancellationToken.None).WaitAsync(Cap);

        Assert.Null(result.Failure);
        Assert.True(result.Calls > 0);
        Assert.Equal(0, result.Errors);
    }

    [Fact]
    public async Task Fanout_scenario_delivers_every_publish_to_every_subscriber()
    {
        await using var hub = await TestHub.StartAsync();

        var result = await FanoutScenario.RunAsync(HubTarget(hub), new FanoutOptions(Subscribers: 20, InFlight: 4, DurationSeconds: 1, WarmupSeconds: 0.2), CancellationToken.None).WaitAsync(Cap);

        Assert.Null(result.Failure);
        Assert.True(result.Publishes > 0);
        Assert.True(result.Deliveries > 0);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Errors);
        Assert.Equal(0, result.Disconnected);
    }

    [Fact]
    public async Task Idle_scenario_opens_every_connection_asked_for()
    {
        await using var hub = await TestHub.StartAsync();

        var result = await IdleScenario.RunAsync(HubTarget(hub), new IdleOptions(Max: 20, TimeLimitSeconds: 30, HoldSeconds: 0.1, Warm: 5), CancellationToken.None).WaitAsync(Cap);

        Assert.Equal(20, result.Opened);
        Assert.Equal(0, result.Failed);
        Assert.True(result.ResidentAfter > 0);
    }

    [Theory]
    [InlineData("{\"type\":3,\"invocationId\":\"17\",\"result\":\"pong\"}", "Reply", 17)]
    [InlineData("{\"type\":3,\"invocationId\":\"4\",\"error\":\"boom\"}", "Error", 4)]
    [InlineData("{\"type\":1,\"target\":\"bench\",\"arguments\":[{\"t\":1,\"s\":2}]}", "Notification", -1)]
    [InlineData("{\"type\":6}", "Other", -1)]
    public void Wire_reads_signalr_records_by_kind_and_invocation_id(string record, string kind, int id)
    {
        var actual = Wire.Classify(WireDialect.SignalR, System.Text.Encoding.UTF8.GetBytes(record), out var actualId);

        Assert.Equal((Enum.Parse<RecordKind>(kind), id), (actual, actualId));
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":31}", "Reply", 31)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":2}", "Error", 2)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"t\":1,\"s\":2}}", "Notification", -1)]
    public void Wire_reads_hub_records_by_kind_and_id(string record, string kind, int id)
    {
        var actual = Wire.Classify(WireDialect.JsonRpc, System.Text.Encoding.UTF8.GetBytes(record), out var actualId);

        Assert.Equal((Enum.Parse<RecordKind>(kind), id), (actual, actualId));
    }

    [Fact]
    public void Wire_reads_the_publishers_stamp_from_a_notification()
    {
        var found = Wire.TryReadStamp("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"t\":123456789,\"s\":42,\"p\":\"xx\"}}"u8, out var timestamp, out var sequence);

        Assert.Equal((true, 123456789L, 42L), (found, timestamp, sequence));
    }

    private static Target HubTarget(TestHub hub) => Target.Single("hub", WireDialect.JsonRpc, hub.WebSocketUri, pid: null);
}
