using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Akka.Cluster;
using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>
/// A node killed outright during a steady stream of calls and notifications: every call issued on the surviving
/// nodes gets exactly one reply, no subscriber gets a notification twice or loses one, and the split-brain
/// resolver downs the dead node.
/// </summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed partial class NodeCrashTests
{
    [Fact]
    public async Task Killed_node_is_downed_while_the_others_keep_serving_without_duplicates_or_silence()
    {
        // A and B serve no 'sleep'; C (a process of its own, the stock demo host) does, so A's calls go to C.
        var settings = new Dictionary<string, string?> { ["Hub:Demo"] = "false" };
        static void Configure(HubBuilder hub)
        {
            hub.AddTopic("bench");
            hub.AddMethod("ping", () => "pong");
        }

        await using var a = await TestHub.StartAsync(settings, Configure);
        var seed = Akka.Cluster.Cluster.Get(a.Runtime.System).SelfAddress.ToString();
        await using var b = await TestHub.StartAsync(new Dictionary<string, string?>(settings) { ["Hub:Cluster:Seeds:0"] = seed }, Configure);
        await using var c = await HubProcess.StartAsync(seed);
        await Eventually.TrueAsync(() => Task.FromResult(UpMembers(a) == 3 && UpMembers(b) == 3 && a.Runtime.Methods.Directory.Names.Contains("sleep")));
        await using var onA = await RawSocket.ConnectAsync(a.WebSocketUri);
        await using var onB = await RawSocket.ConnectAsync(b.WebSocketUri);
        await using var caller = await RawSocket.ConnectAsync(a.WebSocketUri);
        foreach (var socket in new[] { onA, onB })
        {
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\"],\"id\":1}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":1}"));
        }

        await PubSubWarmUp.RunAsync(a, [onA, onB]);

        // The stream: calls to C's 'sleep' from a client of A, and notifications published on A.
        using var stop = new CancellationTokenSource();
        var sent = new ConcurrentQueue<int>();
        var published = 0;
        var callsBeforeKill = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calling = Task.Run(async () =>
        {
            for (var i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
            {
                await caller.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[100],\"id\":" + i + "}");
                sent.Enqueue(i);
                if (i == 20)
                {
                    callsBeforeKill.TrySetResult();
                }

                await Task.Delay(10, CancellationToken.None);
            }
        });
        var publishing = Task.Run(async () =>
        {
            for (var n = 0; n < 10_000 && !stop.IsCancellationRequested; n++)
            {
                await a.Runtime.NotifyAsync("bench", new { seq = n });
                published = n + 1;
                await Task.Delay(5, CancellationToken.None);
            }
        });

        await callsBeforeKill.Task.WaitAsync(Waits.Max);
        c.Kill();

        // Once A no longer routes to C (unreachable), a few more calls show the new answer, then the stream stops.
        await Eventually.TrueAsync(() => Task.FromResult(!a.Runtime.Methods.Directory.Names.Contains("sleep")));
        var afterDetection = sent.Count + 10;
        await Eventually.TrueAsync(() => Task.FromResult(sent.Count >= afterDetection));
        await stop.CancelAsync();
        await Task.WhenAll(calling, publishing).WaitAsync(Waits.Max);

        // Every call: exactly one reply: a result from C, -32003 (C lost mid-call), -32601 (C gone), or -32002 while
        // calls to the silent C filled the connection's in-flight limit before C was found unreachable.
        var replies = new Dictionary<int, string>();
        while (replies.Count < sent.Count)
        {
            var frame = await caller.ReceiveAsync();
            var id = int.Parse(IdOf().Match(frame).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(replies.TryAdd(id, frame), "two replies to call " + id);
            Assert.Matches("^\\{\"jsonrpc\":\"2.0\",(\"result\":100|\"error\":\\{\"code\":-32003,\"message\":\"Method unavailable\"\\}|\"error\":\\{\"code\":-32002,\"message\":\"Too many requests\"\\}|\"error\":\\{\"code\":-32601,\"message\":\"Method not found\"\\}),\"id\":\\d+\\}$", frame);
        }

        Assert.True(await caller.IsQuietAsync());
        Assert.Contains(replies.Values, r => r.Contains("\"result\":100", StringComparison.Ordinal));
        Assert.Contains(replies.Values, r => r.Contains("-32601", StringComparison.Ordinal));

        // Every notification, once, in order, on both surviving nodes.
        foreach (var socket in new[] { onA, onB })
        {
            for (var n = 0; n < published; n++)
            {
                Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"seq\":" + n + "}}", await socket.ReceiveAsync());
            }

            Assert.True(await socket.IsQuietAsync());
        }

        // keep-majority: A and B are two of three, so they down C (after stable-after, 20 s, in cluster.hocon).
        using var downed = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (UpMembers(a) != 2 || Akka.Cluster.Cluster.Get(a.Runtime.System).State.Unreachable.Count != 0)
        {
            await Task.Delay(250, downed.Token);
        }

        Assert.Equal(2, UpMembers(b));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":\"after\"}", await onB.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":\"after\"}"));
    }

    private static int UpMembers(TestHub hub) =>
        Akka.Cluster.Cluster.Get(hub.Runtime.System).State.Members.Count(m => m.Status == MemberStatus.Up);

    [GeneratedRegex("\"id\":(\\d+)\\}$")]
    private static partial Regex IdOf();
}
