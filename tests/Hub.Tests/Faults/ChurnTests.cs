using System.Net.WebSockets;
using System.Text;
using Hub.Tests.Support;

namespace Hub.Tests.Faults;

/// <summary>Clients that vanish mid-call, mid-batch and mid-fan-out leave nothing behind.</summary>
public sealed class ChurnTests
{
    [Fact]
    public async Task Ten_thousand_abrupt_disconnects_leave_no_connection_actor_behind()
    {
        await using var hub = await TestHub.StartAsync();
        await using var watcher = await RawSocket.ConnectAsync(hub.WebSocketUri);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\"],\"id\":1}", await watcher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":1}"));
        var frames = new[]
        {
            "{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[50],\"id\":1}",
            "[{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[20],\"id\":1},{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2}]",
            "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\",\"demo\"],\"id\":1}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\",{\"churn\":true}],\"id\":1}",
        };

        const int Cycles = 10_000;
        const int Parallel = 8;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Parallel).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Cycles)
            {
                using var socket = new ClientWebSocket();
                await socket.ConnectAsync(hub.WebSocketUri, CancellationToken.None).WaitAsync(Waits.Max);
                await socket.SendAsync(Encoding.UTF8.GetBytes(frames[i % frames.Length]), WebSocketMessageType.Text, true, CancellationToken.None);
                socket.Abort();
            }
        }));

        await Eventually.TrueAsync(async () => await hub.Runtime.CountConnectionsAsync() == 1, "only the watcher is left");
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":2}", await watcher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2}"));
    }
}
