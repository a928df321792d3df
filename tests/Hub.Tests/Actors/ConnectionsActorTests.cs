using Akka.Actor;
using Hub.Connections;
using Hub.Tests.Support;

namespace Hub.Tests.Actors;

/// <summary>The node's connection actors as a whole: opening, counting, draining.</summary>
public sealed class ConnectionsActorTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    [Fact]
    public async Task Open_gives_each_connection_its_own_id_and_actor()
    {
        var runtime = StartHub();

        var first = await runtime.OpenAsync(new RecordingTransport(), user: null, isHttp: false).WaitAsync(Waits.Max);
        var second = await runtime.OpenAsync(new RecordingTransport(), user: null, isHttp: true).WaitAsync(Waits.Max);

        Assert.Equal("ws-1", first.ConnectionId);
        Assert.Equal("http-2", second.ConnectionId);
        Assert.NotEqual(first.Connection, second.Connection);
    }

    [Fact]
    public async Task Count_follows_connections_opening_and_ending()
    {
        var runtime = StartHub();
        var connection = await OpenAsync(runtime, new RecordingTransport());
        await OpenAsync(runtime, new RecordingTransport());
        Assert.Equal(2, await runtime.CountConnectionsAsync().WaitAsync(Waits.Max));

        connection.Tell(new ConnectionProtocol.InboundCompleted(null));

        await Eventually.TrueAsync(async () => await runtime.CountConnectionsAsync() == 1, "one connection left");
    }

    [Fact]
    public async Task Drain_closes_every_connection_with_1001_and_completes()
    {
        var runtime = StartHub();
        var first = new RecordingTransport();
        var second = new RecordingTransport();
        await OpenAsync(runtime, first);
        await OpenAsync(runtime, second);

        await runtime.DrainAsync().WaitAsync(Waits.Max);

        Assert.Equal((1001, "server shutting down"), await first.ClosedAsync());
        Assert.Equal((1001, "server shutting down"), await second.ClosedAsync());
        Assert.Equal(0, await runtime.CountConnectionsAsync().WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Drain_closes_a_connection_whose_call_outlives_the_deadline()
    {
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runtime = StartHub(h => h.AddMethod("wait", () => gate.Task), new HubSettings { ShutdownDeadline = TimeSpan.FromMilliseconds(300) });
        var transport = new RecordingTransport();
        var connection = await OpenAsync(runtime, transport);
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"wait","id":1}""");

        await runtime.DrainAsync().WaitAsync(Waits.Max);

        Assert.Equal((1001, "server shutting down"), await transport.ClosedAsync());
        gate.SetResult("too late");
    }

    [Fact]
    public async Task Open_while_draining_is_refused()
    {
        var runtime = StartHub();
        await runtime.DrainAsync().WaitAsync(Waits.Max);

        await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.OpenAsync(new RecordingTransport(), user: null, isHttp: false).WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Drain_with_no_connections_completes()
    {
        var runtime = StartHub();

        await runtime.DrainAsync().WaitAsync(Waits.Max);

        Assert.True(runtime.IsDraining);
    }
}
