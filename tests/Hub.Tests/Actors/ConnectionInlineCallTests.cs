using Akka.Actor;
using Hub.Tests.Support;

namespace Hub.Tests.Actors;

/// <summary>
/// A non-blocking (inline) method of this node runs on the calling connection's thread, without its actor: still one
/// call of the method at a time on the node, a connection's sequential calls in order, and every call answered once.
/// </summary>
public sealed class ConnectionInlineCallTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    [Fact]
    public async Task Inline_method_called_from_two_connections_runs_one_call_at_a_time()
    {
        var running = 0;
        var overlapped = false;
        var runtime = StartHub(h => h.AddMethod("m", (int n) =>
        {
            overlapped |= Interlocked.Increment(ref running) > 1;
            Thread.SpinWait(2_000);
            Interlocked.Decrement(ref running);
            return n;
        }).RunInline());
        var first = new RecordingTransport();
        var second = new RecordingTransport();
        var connections = new[] { (await OpenAsync(runtime, first), first), (await OpenAsync(runtime, second), second) };

        await Task.WhenAll(connections.Select(c => Task.Run(async () =>
        {
            for (var i = 1; i <= 40; i++)
            {
                await SendFrameAsync(c.Item1, "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[" + i + "],\"id\":" + i + "}");
            }
        })));

        foreach (var (_, transport) in connections)
        {
            for (var i = 1; i <= 40; i++)
            {
                Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":" + i + ",\"id\":" + i + "}", await transport.NextFrameAsync());
            }
        }

        Assert.False(overlapped);
    }

    [Fact]
    public async Task Inline_method_that_returns_past_its_timeout_answers_32001()
    {
        var runtime = StartHub(h => h.AddMethod("slow", () =>
        {
            // The handler itself is what is tested: it blocks past its timeout on the connection's thread.
            Thread.Sleep(300);
            return "late";
        }, TimeSpan.FromMilliseconds(50)).RunInline().AddMethod("ping", () => "pong").RunInline());
        var transport = new RecordingTransport();
        var connection = await OpenAsync(runtime, transport);

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"slow","id":1}""");
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"ping","id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32001,"message":"Request timed out"},"id":1}""", await transport.NextFrameAsync());
        Assert.Equal("""{"jsonrpc":"2.0","result":"pong","id":2}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Sequential_inline_method_still_pending_holds_the_next_call_until_it_answers()
    {
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new List<int>();
        var runtime = StartHub(h => h
            .AddMethod("s", async (int n) =>
            {
                lock (started)
                {
                    started.Add(n);
                }

                return n == 1 ? await gate.Task : n;
            }).RunInline().Sequential()
            .AddMethod("ping", () => "pong").RunInline());
        var transport = new RecordingTransport();
        var connection = await OpenAsync(runtime, transport);

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"s","params":[1],"id":1}""");
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"s","params":[2],"id":2}""");
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"ping","id":3}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":"pong","id":3}""", await transport.NextFrameAsync());
        lock (started)
        {
            Assert.Equal([1], started);
        }

        gate.SetResult(10);
        Assert.Equal("""{"jsonrpc":"2.0","result":10,"id":1}""", await transport.NextFrameAsync());
        Assert.Equal("""{"jsonrpc":"2.0","result":2,"id":2}""", await transport.NextFrameAsync());
        lock (started)
        {
            Assert.Equal([1, 2], started);
        }
    }
}
