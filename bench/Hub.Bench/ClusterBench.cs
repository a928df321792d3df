using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hub.Bench.Load;

namespace Hub.Bench;

/// <summary>
/// rpc and fanout against three local nodes started with <c>scripts/cluster.sh up 3 BASE CLUSTER_BASE</c> on free ports:
/// rpc connections spread over the nodes; the publisher on node 1, subscribers spread over all three, at a fixed rate.
/// The nodes are always stopped with <c>scripts/cluster.sh down</c>.
/// </summary>
internal static class ClusterBench
{
    private const int Nodes = 3;

    /// <summary>Runs the cluster scenarios <c>--runs</c> times; the report, or null when the cluster did not start.</summary>
    public static async Task<string?> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var runs = options.Int("runs", 3);
        var root = ServerProcess.RepositoryRoot();
        var (httpBase, clusterBase) = FreePortRanges();
        // The nodes inherit the script's environment: --server-env reaches them too.
        var environment = new Dictionary<string, string>(Scenarios.ServerEnvironment(options));
        if (options.Flag("skip-build"))
        {
            environment["HUB_CLUSTER_SKIP_BUILD"] = "1";
        }

        Console.WriteLine($"--- cluster: scripts/cluster.sh up {Nodes} {httpBase} {clusterBase}");
        var up = await ScriptAsync(root, environment, TimeSpan.FromMinutes(4), cancellationToken, "up", Nodes.ToString(CultureInfo.InvariantCulture),
            httpBase.ToString(CultureInfo.InvariantCulture), clusterBase.ToString(CultureInfo.InvariantCulture));
        try
        {
            Console.WriteLine(up.Output);
            if (up.ExitCode != 0)
            {
                Console.WriteLine("FAILED: the cluster did not start");
                return null;
            }

            var pids = Enumerable.Range(1, Nodes)
                .Select(i => int.Parse(File.ReadAllText(Path.Combine(root, ".cluster", $"node{i}.pid")).Trim(), CultureInfo.InvariantCulture))
                .ToArray();
            var endpoints = Enumerable.Range(0, Nodes).Select(i => new Uri($"ws://127.0.0.1:{httpBase + i}/rpc")).ToArray();
            var target = new Target("hub-cluster", WireDialect.JsonRpc, endpoints, pids);
            var measurements = new Measurements();
            var remote = new List<double>();
            var problems = new List<string>();
            var fanoutOptions = new FanoutOptions(
                options.Int("subscribers", 6), options.Int("publishes-in-flight", 64), options.Double("duration", 10), options.Double("warmup", 3),
                options.Int("payload", 100), options.Int("window", 200), options.Double("rate", 10_000), options.Double("drain", 5));
            for (var run = 1; run <= runs; run++)
            {
                Console.WriteLine($"--- cluster run {run}/{runs}: rpc over {Nodes} nodes");
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
        finally
        {
            var down = await ScriptAsync(root, environment, TimeSpan.FromMinutes(1), CancellationToken.None, "down");
            Console.WriteLine(down.Output.Trim());
        }
    }

    /// <summary>Two runs of three free consecutive ports: HTTP, and the cluster transport.</summary>
    private static (int Http, int Cluster) FreePortRanges()
    {
        var first = -1;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = FreePort();
            if (candidate + Nodes >= 65535 || !Enumerable.Range(candidate, Nodes).All(IsFree))
            {
                continue;
            }

            if (first < 0)
            {
                first = candidate;
            }
            else if (candidate >= first + Nodes || candidate + Nodes <= first)
            {
                return (first, candidate);
            }
        }

        throw new InvalidOperationException("no free port ranges for the cluster");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<(int ExitCode, string Output)> ScriptAsync(
        string root, Dictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken, params string[] args)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(root, "scripts", "cluster.sh"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }
}
