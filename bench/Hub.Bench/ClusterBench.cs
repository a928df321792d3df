using System.Globalization;
using System.Text;
using Hub.Bench.Load;

namespace Hub.Bench;

/// <summary>
/// rpc and fanout against three local nodes started with <c>scripts/cluster.sh up 3 BASE CLUSTER_BASE</c> on free ports:
/// rpc connections spread over the nodes; the publisher on node 1, subscribers spread over all three, at a fixed rate.
/// Then rpc on node 1 of a second cluster whose node 1 serves no demo method, so every call crosses to another node:
/// saturated (closed loop), then at half the rate it reached, on a fixed schedule.
/// The nodes are always stopped with <c>scripts/cluster.sh down</c>.
/// </summary>
internal static class ClusterBench
{
    private const int Nodes = 3;

    /// <summary>Runs the cluster scenarios <c>--runs</c> times; the report, or null when the cluster did not start.</summary>
    public static async Task<string?> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var runs = options.Int("runs", 3);
        var measurements = new Measurements();
        var remote = new List<double>();
        var problems = new List<string>();
        var fanoutOptions = new FanoutOptions(
            options.Int("subscribers", 6), options.Int("publishes-in-flight", 64), options.Double("duration", 10), options.Double("warmup", 3),
            options.Int("payload", 100), options.Int("window", 200), options.Double("rate", 10_000), options.Double("drain", 5),
            Publishers: options.Int("publishers", options.Int("publishes-in-flight", 64)));
        await using (var cluster = await LocalCluster.StartAsync(Nodes, options, cancellationToken))
        {
            if (cluster is null)
            {
                return null;
            }

            var target = cluster.Target;
            for (var run = 1; run <= runs; run++)
            {
                Console.WriteLine($"--- cluster run {run}/{runs}: rpc over {Nodes} nodes (each node serves its own clients' calls)");
                var rpc = await RpcScenario.RunAsync(target, Scenarios.Rpc(options), cancellationToken);
                Console.WriteLine(rpc);
                Compare.Record(measurements, "cluster rpc", "hub", rpc, problems, run);

                Console.WriteLine($"--- cluster run {run}/{runs}: fanout, publisher on node 1, subscribers on all");
                var fanout = await FanoutScenario.RunAsync(target, fanoutOptions, cancellationToken);
                Console.WriteLine(fanout);
                Compare.Record(measurements, "cluster fanout", "hub", fanout, problems, run);
                for (var node = 0; node < fanout.NodeLatency.Count; node++)
                {
                    measurements.Add("cluster fanout", $"node {node + 1} p99 µs", "hub", fanout.NodeLatency[node].P99);
                }

                remote.Add(Math.Max(fanout.NodeLatency[1].P99, fanout.NodeLatency[2].P99));
            }
        }

        // Calls that cross nodes: node 1 serves no demo method, so every call of its clients is served by node 2 or 3.
        // A cluster of its own, started after the first is down (both would use .cluster/).
        var crossing = new Dictionary<string, string> { ["HUB_CLUSTER_NODE1_HUB_DEMO"] = "false" };
        await using (var cluster = await LocalCluster.StartAsync(Nodes, options, cancellationToken, crossing))
        {
            if (cluster is null)
            {
                return null;
            }

            var rpcOptions = Scenarios.Rpc(options);
            var nodeOne = cluster.Target with { Name = "hub-cluster", Endpoints = [cluster.Target.Endpoints[0]] };
            await cluster.WaitUntilServedAsync(0, rpcOptions.Method, cancellationToken);
            for (var run = 1; run <= runs; run++)
            {
                Console.WriteLine($"--- cluster run {run}/{runs}: rpc on node 1, every call served by node 2 or 3");
                var rpc = await RpcScenario.RunAsync(nodeOne, rpcOptions, cancellationToken);
                Console.WriteLine(rpc);
                Compare.Record(measurements, "cluster rpc to other nodes", "hub", rpc, problems, run);

                // The same calls at half that rate, on a fixed schedule: the latency a cluster below saturation gives.
                var half = rpcOptions with { Rate = Math.Round(rpc.CallsPerSecond / 2) };
                Console.WriteLine($"--- cluster run {run}/{runs}: the same at half that rate, {half.Rate:N0} calls/s on a schedule");
                var paced = await RpcScenario.RunAsync(nodeOne, half, cancellationToken);
                Console.WriteLine(paced);
                Compare.Record(measurements, "cluster rpc to other nodes, half rate", "hub", paced, problems, run);
            }
        }

        var report = new StringBuilder()
            .AppendLine($"Cluster of {Nodes} nodes on this machine, {runs} run(s); median (min–max); "
                + $"fanout: {fanoutOptions.Subscribers} subscribers over the nodes, rate cap {fanoutOptions.Rate:N0} publishes/s")
            .AppendLine()
            .AppendLine(measurements.Table(["hub"]));
        var p99 = remote.Order().ElementAt(remote.Count / 2);
        var rate = measurements.Median("cluster fanout", "publishes/s", "hub") ?? 0;
        report.AppendLine(
            $"- cluster delivery p99 on the other nodes: {p99:F0} µs at {rate:N0} publishes/s, goal < 5000 µs at 10,000/s: "
            + (p99 < 5000 && rate >= 0.95 * 10_000 ? "met" : "MISSED"));
        foreach (var problem in problems)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- problem: {problem}");
        }

        Console.WriteLine(report);
        return report.ToString();
    }
}
