using Akka.Actor;
using Akka.DistributedData;
using Hub.Cluster;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Cluster;

/// <summary>
/// What a node accepts from a client crosses the cluster whole (issue 12, item 1): Akka.Remote's frame limit follows
/// <c>Hub:MaxMessageBytes</c>, and what truly cannot cross is refused to its sender at once, never dropped in silence.
/// </summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class LargeMessageTests
{
    private const int MiB = 1024 * 1024;
    // An explicit frame limit wins over the one derived from Hub:MaxMessageBytes: small, so the refusals show.
    private static readonly Dictionary<string, string?> SmallFrames = new()
    {
        ["Hub:Akka:Hocon"] = "akka.remote.dot-netty.tcp.maximum-frame-size = 200000b",
    };

    [Fact]
    public async Task Notification_of_200_000_bytes_published_by_a_client_reaches_subscribers_on_every_node()
    {
        await using var cluster = await TestCluster.StartAsync();
        await PublishedReachesEveryNodeAsync(cluster, cluster.C, Filler(200_000));
    }

    [Fact]
    public async Task Notification_in_a_message_of_the_configured_maximum_reaches_subscribers_on_every_node()
    {
        await using var cluster = await TestCluster.StartAsync();
        var (_, big) = Sized("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\",{\"big\":\"", "\"}],\"id\":1}", MiB);
        await PublishedReachesEveryNodeAsync(cluster, cluster.B, big);
    }

    [Fact]
    public async Task Retained_value_in_a_message_of_the_configured_maximum_comes_to_a_new_subscriber_on_another_node()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var publisher = await RawSocket.ConnectAsync(cluster.C.WebSocketUri);
        await using var late = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        var (message, big) = Sized("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"demo\",{\"big\":\"", "\"},true],\"id\":1}", MiB);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}", await publisher.CallAsync(message));
        await late.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"demo\"],\"id\":2}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"demo\",\"params\":{\"big\":\"" + big + "\"}}", await late.ReceiveAsync());
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"demo\"],\"id\":2}", await late.ReceiveAsync());
    }

    [Fact]
    public async Task Eight_retained_values_of_1_MiB_each_reach_the_own_replica_of_a_node_that_joins_later()
    {
        // More values than fit one frame together: gossip that bundled them into one message would never arrive.
        var topics = Enumerable.Range(0, 8).Select(i => "big-" + i).ToArray();
        void Topics(HubBuilder hub)
        {
            foreach (var topic in topics)
            {
                hub.AddTopic(topic);
            }
        }

        // Gossip rounds of 250 ms instead of 2 s: what is tested is that each value can cross at all, not how soon
        // a loaded machine gets through every key one round at a time.
        var gossip = new Dictionary<string, string?> { ["Hub:Akka:Hocon"] = "akka.cluster.distributed-data.gossip-interval = 250ms" };
        await using var cluster = await TestCluster.StartAsync((_, hub) => Topics(hub), gossip);
        foreach (var topic in topics)
        {
            await cluster.A.Runtime.NotifyAsync(topic, new { big = Filler(MiB - 100, seed: topic[^1]) }, retain: true);
        }

        var late = await cluster.JoinAsync(Topics, gossip);

        // Only gossip brings the values to the new node's own replica, one key per chunk per round, so this waits
        // longer than Waits.Max, still bounded.
        var replicator = DistributedData.Get(late.Runtime.System).Replicator;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        foreach (var topic in topics)
        {
            while (true)
            {
                var response = await replicator.Ask<IGetResponse>(Dsl.Get(RetainedValues.Key(topic), ReadLocal.Instance), Waits.Max);
                if (RetainedValues.Read(response, topic) is { Frame: { } frame })
                {
                    Assert.Equal(MiB - 100 + 49 + topic.Length, frame.Length);
                    break;
                }

                await Task.Delay(200, deadline.Token);
            }
        }
    }

    [Fact]
    public async Task Call_routed_to_another_node_carries_params_and_result_of_the_configured_maximum()
    {
        await using var cluster = await TestCluster.StartAsync((node, hub) =>
        {
            if (node == 2)
            {
                hub.AddMethod("echo_on_c", ([RawParams] JToken? p) => p);
            }
        });
        await using var onA = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("echo_on_c")));
        var (message, big) = Sized("{\"jsonrpc\":\"2.0\",\"method\":\"echo_on_c\",\"params\":{\"big\":\"", "\"},\"id\":1}", MiB);

        var reply = await onA.CallAsync(message);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"big\":\"" + big + "\"},\"id\":1}", reply);
    }

    [Fact]
    public async Task Server_to_client_call_of_1_MiB_reaches_a_client_on_another_node_and_its_answer_comes_back()
    {
        var big = Filler(MiB, seed: 2);
        await using var cluster = await TestCluster.StartAsync((node, hub) =>
        {
            if (node == 2)
            {
                hub.AddMethod("ask_from_c", async (HubCallContext context) => await context.CallClientAsync("confirm", new { big }));
            }
        });
        await using var onA = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("ask_from_c")));
        var answer = Filler(MiB - 100, seed: 3);

        await onA.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ask_from_c\",\"id\":1}");
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"confirm\",\"params\":{\"big\":\"" + big + "\"},\"id\":\"s:1\"}", await onA.ReceiveAsync());
        await onA.SendAsync("{\"jsonrpc\":\"2.0\",\"result\":\"" + answer + "\",\"id\":\"s:1\"}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"" + answer + "\",\"id\":1}", await onA.ReceiveAsync());
    }

    [Fact]
    public async Task Notification_of_3_MiB_crosses_when_the_message_limit_is_raised_to_4_MiB()
    {
        await using var cluster = await TestCluster.StartAsync(extraSettings: new Dictionary<string, string?> { ["Hub:MaxMessageBytes"] = (4 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await PublishedReachesEveryNodeAsync(cluster, cluster.C, Filler(3 * MiB));
    }

    [Fact]
    public async Task NotifyAsync_with_data_too_large_for_the_cluster_throws_and_sends_nothing()
    {
        await using var cluster = await TestCluster.StartAsync();
        var subscribers = await cluster.SubscribeOnEveryNodeAsync();
        await PubSubWarmUp.RunAsync(cluster.A, subscribers);

        var refused = await Assert.ThrowsAsync<HubPayloadTooLargeException>(() => cluster.A.Runtime.NotifyAsync("bench", new { big = new string('x', 6 * MiB) }));

        Assert.True(refused.Size > refused.Limit);
        foreach (var subscriber in subscribers)
        {
            Assert.True(await subscriber.IsQuietAsync());
        }

        await TestCluster.DisposeAllAsync(subscribers);
    }

    [Fact]
    public async Task Publish_too_large_for_the_cluster_frame_answers_32602_and_delivers_nothing()
    {
        await using var cluster = await TestCluster.StartAsync(extraSettings: SmallFrames);
        var subscribers = await cluster.SubscribeOnEveryNodeAsync();
        // From the publisher's node: it must know every subscription.
        await PubSubWarmUp.RunAsync(cluster.C, subscribers);
        await using var publisher = await RawSocket.ConnectAsync(cluster.C.WebSocketUri);

        var reply = await publisher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\",{\"big\":\"" + new string('x', 300_000) + "\"},true],\"id\":1}");

        Assert.Matches("^\\{\"jsonrpc\":\"2.0\",\"error\":\\{\"code\":-32602,\"message\":\"Invalid params\",\"data\":\"'data' is too large to cross the cluster: 30\\d{4} B, over the limit of 1\\d{5} B\"\\},\"id\":1\\}$", reply);
        foreach (var subscriber in subscribers)
        {
            Assert.True(await subscriber.IsQuietAsync());
        }

        await TestCluster.DisposeAllAsync(subscribers);
    }

    [Fact]
    public async Task Call_with_params_too_large_to_route_answers_32602_at_once()
    {
        await using var cluster = await TestCluster.StartAsync(
            (node, hub) =>
            {
                if (node == 2)
                {
                    hub.AddMethod("echo_on_c", ([RawParams] JToken? p) => p);
                }
            },
            SmallFrames);
        await using var onA = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("echo_on_c")));

        var reply = await onA.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"echo_on_c\",\"params\":[\"" + new string('x', 300_000) + "\"],\"id\":1}");

        Assert.Matches("^\\{\"jsonrpc\":\"2.0\",\"error\":\\{\"code\":-32602,\"message\":\"Invalid params\",\"data\":\"params too large to reach the node serving 'echo_on_c': 30\\d{4} B, over the limit of 1\\d{5} B\"\\},\"id\":1\\}$", reply);
    }

    [Fact]
    public async Task Result_too_large_for_the_way_back_answers_32603_at_once_and_a_local_caller_still_gets_it()
    {
        await using var cluster = await TestCluster.StartAsync(
            (node, hub) =>
            {
                if (node == 2)
                {
                    hub.AddMethod("big_on_c", (int size) => new string('r', size));
                }
            },
            SmallFrames);
        await using var onA = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await using var onC = await RawSocket.ConnectAsync(cluster.C.WebSocketUri);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("big_on_c")));

        var remote = await onA.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"big_on_c\",\"params\":[300000],\"id\":1}");
        var local = await onC.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"big_on_c\",\"params\":[300000],\"id\":2}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"Internal error\"},\"id\":1}", remote);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"" + new string('r', 300_000) + "\",\"id\":2}", local);
    }

    [Fact]
    public async Task Server_to_client_call_too_large_for_the_cluster_fails_CallClientAsync_at_once()
    {
        await using var cluster = await TestCluster.StartAsync(
            (node, hub) =>
            {
                if (node == 2)
                {
                    hub.AddMethod("ask_from_c", async (HubCallContext context) =>
                    {
                        try
                        {
                            return await context.CallClientAsync("confirm", new { big = new string('q', 300_000) });
                        }
                        catch (HubPayloadTooLargeException ex)
                        {
                            return "refused " + (ex.Size > ex.Limit);
                        }
                    });
                }
            },
            SmallFrames);
        await using var onA = await RawSocket.ConnectAsync(cluster.A.WebSocketUri);
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("ask_from_c")));

        var reply = await onA.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ask_from_c\",\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"refused True\",\"id\":1}", reply);
    }

    /// <summary>A message of exactly <paramref name="size"/> bytes: <paramref name="prefix"/>, filler, <paramref name="suffix"/>; and the filler.</summary>
    /// <summary>Publishes <c>{"big": filler}</c> to <c>bench</c> from <paramref name="node"/>, and sees it reach a subscriber on every node.</summary>
    private static async Task PublishedReachesEveryNodeAsync(TestCluster cluster, TestHub node, string big)
    {
        var subscribers = await cluster.SubscribeOnEveryNodeAsync();
        // From the publisher's node: it must know every subscription.
        await PubSubWarmUp.RunAsync(node, subscribers);
        await using var publisher = await RawSocket.ConnectAsync(node.WebSocketUri);

        var reply = await publisher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\",{\"big\":\"" + big + "\"}],\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}", reply);
        foreach (var subscriber in subscribers)
        {
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"big\":\"" + big + "\"}}", await subscriber.ReceiveAsync());
        }

        await TestCluster.DisposeAllAsync(subscribers);
    }

    private static (string Message, string Filler) Sized(string prefix, string suffix, int size)
    {
        var filler = Filler(size - prefix.Length - suffix.Length);
        return (prefix + filler + suffix, filler);
    }

    /// <summary>
    /// <paramref name="length"/> printable ASCII characters that need no JSON escape, pseudo-random (fixed seed): Akka
    /// compresses DistributedData gossip, and a run of one letter would shrink to almost nothing on the way.
    /// </summary>
    private static string Filler(int length, int seed = 12)
    {
        var random = new Random(seed);
        return string.Create(length, random, static (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = (char)random.Next('#', '~' + 1);
                span[i] = c == '\\' ? '!' : c;
            }
        });
    }
}
