using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Hub.Client;
using Hub.Host;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace Hub.Tests.Compose;

/// <summary>
/// docker-compose.yml run for real (<see cref="ComposeCluster"/>): three hub containers and the balancer, clients
/// on 127.0.0.1 through the balancer's published port only. Each test starts from a whole cluster (three healthy
/// nodes that all see three Up members) and leaves one behind, so they run in any order.
/// </summary>
[Collection(nameof(ComposeCollectionDefinition))]
public sealed class ComposeClusterTests(ComposeCluster cluster, ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan ResolverWithin = TimeSpan.FromSeconds(120);

    [ComposeFact]
    public async Task Balancer_spreads_clients_over_the_nodes_and_serves_calls_pub_sub_1_MiB_and_retained_values()
    {
        await cluster.WaitUntilClusterWholeAsync();
        output.WriteLine($"up -d --build and whole in {cluster.UpTook.TotalSeconds:F0} s");
        using (var http = new HttpClient())
        {
            var posted = await http.PostAsync(new Uri(cluster.HttpUri, "/rpc"), new StringContent("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[2,3],\"id\":1}", Encoding.UTF8, "application/json"));
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":5,\"id\":1}", await posted.Content.ReadAsStringAsync());
        }

        // Three subscribers, opened one at a time: the balancer puts each on a node with the fewest connections.
        var sockets = new List<RawSocket>();
        try
        {
            var nodes = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var (socket, node) = await ConnectAndLocateAsync();
                sockets.Add(socket);
                nodes.Add(node);
                Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"bench\"],\"id\":1}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":1}"));
            }

            Assert.Equal(3, nodes.Distinct().Count());
            var subscribers = sockets.ToList();
            var (publisher, publisherNode) = await ConnectAndLocateAsync();
            sockets.Add(publisher);
            output.WriteLine($"subscribers on {string.Join(", ", nodes)}; publisher on {publisherNode}");
            Assert.Equal(2, nodes.Count(node => node != publisherNode));
            await WarmUpAsync(publisher, subscribers);

            // 200 notifications from the publisher's node reach every subscriber, in order.
            for (var n = 0; n < 200; n++)
            {
                Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":" + (10 + n) + "}", await publisher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\",{\"n\":" + n + "}],\"id\":" + (10 + n) + "}"));
            }

            foreach (var subscriber in subscribers)
            {
                for (var n = 0; n < 200; n++)
                {
                    Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"n\":" + n + "}}", await subscriber.ReceiveAsync());
                }
            }

            // A notification in a message of exactly 1 MiB, the hub's default limit.
            var (message, big) = Sized("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\",{\"big\":\"", "\"}],\"id\":2}", MiB);
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":2}", await publisher.CallAsync(message));
            foreach (var subscriber in subscribers)
            {
                Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"big\":\"" + big + "\"}}", await subscriber.ReceiveAsync());
            }

            // A retained value, read by a client that subscribes later on another node than the publisher's.
            var retained = "{\"project\":\"" + cluster.Project + "\",\"at\":" + Environment.TickCount64 + "}";
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":3}", await publisher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"demo\"," + retained + ",true],\"id\":3}"));
            var (late, lateNode) = await ConnectAndLocateAsync();
            sockets.Add(late);
            Assert.NotEqual(publisherNode, lateNode);
            await late.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"demo\"],\"id\":4}");
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"demo\",\"params\":" + retained + "}", await late.ReceiveAsync());
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"demo\"],\"id\":4}", await late.ReceiveAsync());
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [ComposeFact]
    public async Task Stopped_node_closes_its_clients_with_1001_and_the_client_reconnects_them_through_the_balancer()
    {
        await cluster.WaitUntilClusterWholeAsync();
        var clients = new List<(HubClient Client, string Node, ConcurrentQueue<HubStateChangedEventArgs> Changes, ConcurrentQueue<JToken?> Received)>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var changes = new ConcurrentQueue<HubStateChangedEventArgs>();
                var received = new ConcurrentQueue<JToken?>();
                var before = await WebSocketsAsync();
                var client = new HubClient(cluster.WebSocketUri, new HubClientOptions { DefaultTimeout = TimeSpan.FromSeconds(30) });
                client.StateChanged += (_, e) => changes.Enqueue(e);
                await client.StartAsync();
                var node = await NewConnectionNodeAsync(before);
                await client.SubscribeAsync<JToken>("bench", received.Enqueue);
                clients.Add((client, node, changes, received));
            }

            var onHub2 = clients.Where(c => c.Node == "hub2").ToList();
            output.WriteLine($"clients on {string.Join(", ", clients.Select(c => c.Node))}");
            Assert.NotEmpty(onHub2);

            // Calls in flight on every client while hub2 stops: each ends in a result or an error, never silence.
            var inFlight = clients.SelectMany(c => Enumerable.Range(0, 2).Select(_ => Outcome(c.Client.CallAsync<JToken>("sleep", [1500])))).ToList();
            await Task.Delay(300);
            var watch = Stopwatch.StartNew();
            await cluster.ComposeAsync("stop", "-t", "20", "hub2");
            output.WriteLine($"stop hub2: {watch.Elapsed.TotalSeconds:F1} s");
            var outcomes = await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine("in flight: " + string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Count()} {g.Key}")));
            Assert.All(outcomes, outcome => Assert.True(outcome is "result" or "-32004" or "connection lost", outcome));

            foreach (var (client, _, changes, _) in onHub2)
            {
                await cluster.WaitUntilAsync(() => Task.FromResult(client.State == HubConnectionState.Connected && changes.Any(e => e.State == HubConnectionState.Reconnecting)), TimeSpan.FromSeconds(30), "a client of hub2 reconnected");
                Assert.Contains(changes, e => e.CloseStatus == WebSocketCloseStatus.EndpointUnavailable);
                Assert.Equal("pong", await client.CallAsync<string>("ping"));
            }

            Assert.All(clients.Except(onHub2), c => Assert.DoesNotContain(c.Changes, e => e.State == HubConnectionState.Reconnecting));
            await cluster.WaitUntilAsync(async () => (await WebSocketsAsync()).Values.Sum() == clients.Count, TimeSpan.FromSeconds(30), "all six clients on hub1 and hub3");

            // Their subscriptions came back with them: a publication reaches every client again.
            await cluster.WaitUntilAsync(
                async () =>
                {
                    await clients[0].Client.CallAsync<bool>("publish", ["bench", new { after = "stop" }]);
                    await Task.Delay(200);
                    return clients.All(c => c.Received.Any(r => r?["after"] is not null));
                },
                TimeSpan.FromSeconds(30),
                "a publication after the stop reaching every client");
        }
        finally
        {
            foreach (var (client, _, _, _) in clients)
            {
                await client.DisposeAsync();
            }

            await cluster.ComposeAsync("start", "hub2");
        }

        await cluster.WaitUntilClusterWholeAsync();
    }

    [ComposeFact]
    public async Task Killed_node_is_downed_by_the_split_brain_resolver_while_the_others_serve_and_rejoins_when_started()
    {
        await cluster.WaitUntilClusterWholeAsync();
        await using var client = await HubClient.ConnectAsync(cluster.WebSocketUri, new HubClientOptions { DefaultTimeout = TimeSpan.FromSeconds(30) });
        var watch = Stopwatch.StartNew();
        await cluster.ComposeAsync("kill", "hub3");
        try
        {
            // The others serve throughout: calls through the balancer are answered while hub3 is being downed.
            var answered = 0;
            await cluster.WaitUntilAsync(
                async () =>
                {
                    if (await client.CallAsync<double>("add", [answered, 1]) == answered + 1)
                    {
                        answered++;
                    }

                    return await SeeMembersAsync(["hub1", "hub2"], 2);
                },
                ResolverWithin,
                "hub1 and hub2 seeing 2 Up members and none unreachable (hub3 downed and removed)");
            output.WriteLine($"kill hub3: removed after {watch.Elapsed.TotalSeconds:F1} s, {answered} calls answered meanwhile");
            Assert.True(answered > 0);
            Assert.StartsWith("exited", await cluster.StateAsync("hub3"), StringComparison.Ordinal);
        }
        finally
        {
            await cluster.ComposeAsync("start", "hub3");
        }

        watch.Restart();
        await cluster.WaitUntilClusterWholeAsync();
        output.WriteLine($"start hub3: whole again after {watch.Elapsed.TotalSeconds:F1} s");
    }

    [ComposeFact]
    public async Task First_seed_stopped_or_killed_rejoins_the_running_cluster_and_never_forms_a_second()
    {
        await cluster.WaitUntilClusterWholeAsync();
        var others = new[] { "hub2", "hub3" };
        var started = await StartTimesAsync(others);

        var watch = Stopwatch.StartNew();
        await cluster.ComposeAsync("stop", "-t", "20", "hub1");
        try
        {
            await cluster.WaitUntilAsync(() => SeeMembersAsync(others, 2), ResolverWithin, "hub2 and hub3 seeing 2 Up members after hub1 left");
        }
        finally
        {
            await cluster.ComposeAsync("start", "hub1");
        }

        // Whole means hub1 sees all three too: had it formed a cluster of its own, it would see itself alone.
        await cluster.WaitUntilClusterWholeAsync();
        output.WriteLine($"stop and start hub1: whole again after {watch.Elapsed.TotalSeconds:F1} s");

        // Killed, no leaving, and started at once: the new incarnation joins through hub2 and replaces the old one.
        watch.Restart();
        await cluster.ComposeAsync("kill", "hub1");
        await cluster.ComposeAsync("start", "hub1");
        await cluster.WaitUntilClusterWholeAsync();
        output.WriteLine($"kill and start hub1: whole again after {watch.Elapsed.TotalSeconds:F1} s");

        // The others ran on throughout (no restart, so never downed).
        Assert.Equal(started, await StartTimesAsync(others));
        await using var client = await HubClient.ConnectAsync(cluster.WebSocketUri);
        Assert.Equal("pong", await client.CallAsync<string>("ping"));
    }

    [ComposeFact]
    public async Task Partitioned_node_downed_by_the_resolver_exits_75_and_the_restart_policy_brings_it_back()
    {
        await cluster.WaitUntilClusterWholeAsync();
        var container = await cluster.ContainerAsync("hub3");
        var network = cluster.Project + "_cluster";
        var since = (await cluster.DockerAsync("info", "--format", "{{.SystemTime}}")).Trim();
        var restarts = int.Parse(await cluster.DockerAsync("inspect", "-f", "{{.RestartCount}}", container), System.Globalization.CultureInfo.InvariantCulture);

        var watch = Stopwatch.StartNew();
        await cluster.DockerAsync("network", "disconnect", network, container);
        try
        {
            await cluster.WaitUntilAsync(() => SeeMembersAsync(["hub1", "hub2"], 2), ResolverWithin, "hub1 and hub2 seeing 2 Up members (hub3 downed)");
            output.WriteLine($"partition: hub3 removed after {watch.Elapsed.TotalSeconds:F1} s");
            var exitCodes = string.Empty;
            await cluster.WaitUntilAsync(
                async () =>
                {
                    exitCodes = await cluster.DockerAsync("events", "--since", since, "--until", (await cluster.DockerAsync("info", "--format", "{{.SystemTime}}")).Trim(), "--filter", "container=" + container, "--filter", "event=die", "--format", "{{.Actor.Attributes.exitCode}}");
                    return exitCodes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 0;
                },
                ResolverWithin,
                "hub3's process ending");
            output.WriteLine($"hub3 exited with {exitCodes.Trim()} after {watch.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(HubHost.DownedExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture), exitCodes.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim());
            await cluster.WaitUntilAsync(
                async () => int.Parse(await cluster.DockerAsync("inspect", "-f", "{{.RestartCount}}", container), System.Globalization.CultureInfo.InvariantCulture) > restarts,
                ResolverWithin,
                "docker restarting hub3 (restart policy)");
        }
        finally
        {
            await cluster.DockerAsync("network", "connect", "--alias", "hub3", network, container);
        }

        await cluster.WaitUntilClusterWholeAsync();
        output.WriteLine($"partition healed: whole again after {watch.Elapsed.TotalSeconds:F1} s");
    }

    [ComposeFact]
    public async Task Rolling_restart_under_load_answers_every_call_delivers_in_order_at_most_once_and_ends_whole()
    {
        await cluster.WaitUntilClusterWholeAsync();
        await using var load = await SteadyLoad.StartAsync(cluster.WebSocketUri);
        await cluster.WaitUntilAsync(() => Task.FromResult(load.Answered > 50 && load.Delivered > 50), TimeSpan.FromSeconds(30), "the load running");
        foreach (var hub in ComposeCluster.Hubs)
        {
            var answered = load.Answered;
            var watch = Stopwatch.StartNew();
            await cluster.ComposeAsync("restart", "-t", "20", hub);
            await cluster.WaitUntilClusterWholeAsync();
            output.WriteLine($"restart {hub}: whole again after {watch.Elapsed.TotalSeconds:F1} s; {load.Answered - answered} calls answered meanwhile");
            Assert.True(load.Answered > answered, $"No call was answered while {hub} restarted.");
        }

        await load.StopAsync();
        Assert.True(await load.FinalRoundReachesEverySubscriberAsync(TimeSpan.FromSeconds(60)), "A last publication from each publisher did not reach every subscriber.");
        output.WriteLine($"calls answered {load.Answered} (retried {load.Retried}), published {load.Published} (failed {load.PublishFailed}), delivered {load.Delivered}");
        Assert.Empty(load.Unexpected);
        await cluster.WaitUntilClusterWholeAsync();
    }

    /// <summary>How a call ended: <c>result</c>, an error code, <c>connection lost</c>, or anything else by type.</summary>
    private static async Task<string> Outcome(Task<JToken> call)
    {
        try
        {
            await call;
            return "result";
        }
        catch (HubRpcException ex)
        {
            return ex.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HubConnectionException)
        {
            return "connection lost";
        }
        catch (Exception ex)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    private async Task<Dictionary<string, int>> WebSocketsAsync()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var hub in ComposeCluster.Hubs)
        {
            if (await cluster.MetricsAsync(hub) is { } metrics)
            {
                counts[hub] = metrics.WebSockets;
            }
        }

        return counts;
    }

    /// <summary>The node whose WebSocket count grew by one since <paramref name="before"/>.</summary>
    private async Task<string> NewConnectionNodeAsync(Dictionary<string, int> before)
    {
        string? node = null;
        await cluster.WaitUntilAsync(
            async () =>
            {
                var now = await WebSocketsAsync();
                var grown = now.Where(pair => pair.Value > before.GetValueOrDefault(pair.Key)).Select(pair => pair.Key).ToList();
                node = grown.Count == 1 ? grown[0] : null;
                return node is not null;
            },
            TimeSpan.FromSeconds(30),
            "one node counting the new connection");
        return node!;
    }

    private async Task<(RawSocket Socket, string Node)> ConnectAndLocateAsync()
    {
        var before = await WebSocketsAsync();
        var socket = await RawSocket.ConnectAsync(cluster.WebSocketUri);
        return (socket, await NewConnectionNodeAsync(before));
    }

    /// <summary>Publishes until every subscriber has one (their subscriptions reached the publisher's node), then drains.</summary>
    private async Task WarmUpAsync(RawSocket publisher, List<RawSocket> subscribers)
    {
        var reached = new bool[subscribers.Count];
        await cluster.WaitUntilAsync(
            async () =>
            {
                await publisher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\",{\"warm\":true}],\"id\":9}");
                await Task.Delay(200);
                for (var i = 0; i < subscribers.Count; i++)
                {
                    while (subscribers[i].TryReceive(out _))
                    {
                        reached[i] = true;
                    }
                }

                return reached.All(r => r);
            },
            TimeSpan.FromSeconds(30),
            "a warm-up publication reaching every subscriber");
        await publisher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\",{\"warm\":false}],\"id\":9}");
        foreach (var subscriber in subscribers)
        {
            while (await subscriber.ReceiveAsync() != "{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"warm\":false}}")
            {
            }
        }
    }

    private async Task<bool> SeeMembersAsync(string[] hubs, int members)
    {
        foreach (var hub in hubs)
        {
            if (await cluster.MetricsAsync(hub) is not { } metrics || metrics.Members != members || metrics.Unreachable != 0)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<List<string>> StartTimesAsync(string[] hubs)
    {
        var times = new List<string>();
        foreach (var hub in hubs)
        {
            times.Add((await cluster.DockerAsync("inspect", "-f", "{{.State.StartedAt}} {{.RestartCount}}", await cluster.ContainerAsync(hub))).Trim());
        }

        return times;
    }

    private static (string Message, string Filler) Sized(string prefix, string suffix, int size)
    {
        var filler = Filler(size - prefix.Length - suffix.Length);
        return (prefix + filler + suffix, filler);
    }

    /// <summary>Printable ASCII needing no JSON escape, pseudo-random so compression on the way cannot shrink it.</summary>
    private static string Filler(int length)
    {
        var random = new Random(13);
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
