using System.Globalization;
using System.Text;
using Hub.Bench.Load;

namespace Hub.Bench;

/// <summary>
/// Runs each scenario against the hub and each baseline (each a fresh server process on a free port), run after
/// run, interleaved so drift hits every target alike, and each run starting one target later than the run before
/// (<see cref="InRunOrder"/>), so no target is always measured first; prints medians with their spread, the ratios,
/// and the targets.
/// </summary>
internal static class Compare
{
    public static async Task<int> RunAsync(BenchOptions options, bool includeCluster, CancellationToken cancellationToken)
    {
        var runs = options.Int("runs", 3);
        var targets = options.List("targets", ServerProcess.Kinds);
        var scenarios = options.List("scenarios", Scenarios.Names);
        var measurements = new Measurements();
        var problems = new List<string>();
        Console.WriteLine(Machine.Describe());
        for (var run = 1; run <= runs; run++)
        {
            foreach (var scenario in scenarios)
            {
                foreach (var kind in InRunOrder(targets, run).Where(k => Scenarios.Applies(scenario, k)))
                {
                    Console.WriteLine($"--- run {run}/{runs}: {scenario} against {kind} ({Machine.LoadAverage()})");
                    try
                    {
                        await using var server = await ServerProcess.StartAsync(kind, Scenarios.ServerArgs(options, kind), Scenarios.ServerEnvironment(options), cancellationToken);
                        var result = await Scenarios.RunAsync(scenario, server.Target, options, cancellationToken);
                        Console.WriteLine(result);
                        if (server.Exited is { } exited)
                        {
                            // A server that died mid-scenario leaves figures that mean nothing.
                            Console.WriteLine("FAILED: " + exited);
                            problems.Add($"run {run} {scenario} {kind}: {exited.Split('\n')[0]}");
                            continue;
                        }

                        Record(measurements, scenario, kind, result, problems, run);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        problems.Add($"run {run} {scenario} {kind}: {ex.GetBaseException().Message}");
                        Console.WriteLine($"FAILED: {ex.GetBaseException().Message}");
                    }
                }
            }
        }

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{Machine.Describe()}; {runs} run(s); median (min–max)")
            .AppendLine()
            .AppendLine(measurements.Table(targets))
            .AppendLine(Targets(measurements));
        if (includeCluster && await ClusterBench.RunAsync(options, cancellationToken) is { } cluster)
        {
            report.AppendLine().AppendLine(cluster);
        }

        return await ReportAsync(report, problems, options, cancellationToken);
    }

    /// <summary>Adds the problems to <paramref name="report"/>, prints it, writes it to <c>--out</c>; 1 when anything failed.</summary>
    public static async Task<int> ReportAsync(StringBuilder report, List<string> problems, BenchOptions options, CancellationToken cancellationToken)
    {
        foreach (var problem in problems)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- problem: {problem}");
        }

        Console.WriteLine();
        Console.WriteLine(report);
        if (options.String("out") is { } file)
        {
            await File.WriteAllTextAsync(file, report.ToString(), cancellationToken);
        }

        return problems.Count == 0 ? 0 : 1;
    }

    public static void Record(Measurements m, string scenario, string kind, object result, List<string> problems, int run)
    {
        switch (result)
        {
            case RpcResult rpc:
                var throughput = scenario != "latency";
                if (throughput)
                {
                    m.Add(scenario, "calls/s", kind, rpc.CallsPerSecond);
                }

                m.Add(scenario, "p50 µs", kind, rpc.Latency.P50);
                if (throughput)
                {
                    m.Add(scenario, "p90 µs", kind, rpc.Latency.P90);
                }

                m.Add(scenario, "p99 µs", kind, rpc.Latency.P99);
                if (throughput)
                {
                    m.Add(scenario, "p99.9 µs", kind, rpc.Latency.P999);
                }

                AddCpu(m, scenario, kind, rpc.Cpu);
                if (throughput && rpc.CallsPerSecond > 0)
                {
                    // CPU per call: what the server spends, whatever else runs on the machine.
                    m.Add(scenario, "server cpu µs/call", kind, rpc.Cpu.ServerPercent / 100 / rpc.CallsPerSecond * 1e6);
                }

                if (rpc.Errors > 0 || rpc.Failure is not null)
                {
                    problems.Add($"run {run} {scenario} {kind}: {rpc.Errors} errors {rpc.Failure}");
                }

                break;
            case FanoutResult fanout:
                m.Add(scenario, "deliveries/s", kind, fanout.DeliveriesPerSecond);
                m.Add(scenario, "publishes/s", kind, fanout.PublishesPerSecond);
                m.Add(scenario, "p50 µs", kind, fanout.Latency.P50);
                m.Add(scenario, "p99 µs", kind, fanout.Latency.P99);
                m.Add(scenario, "lost", kind, fanout.Lost);
                AddCpu(m, scenario, kind, fanout.Cpu);
                if (fanout.DeliveriesPerSecond > 0)
                {
                    m.Add(scenario, "server cpu µs/delivery", kind, fanout.Cpu.ServerPercent / 100 / fanout.DeliveriesPerSecond * 1e6);
                }

                if (fanout.Errors > 0 || fanout.Failure is not null || fanout.Disconnected > 0)
                {
                    problems.Add($"run {run} {scenario} {kind}: {fanout.Errors} errors, {fanout.Disconnected} disconnected {fanout.Failure}");
                }

                break;
            case IdleResult idle:
                m.Add(scenario, "connections", kind, idle.Opened);
                if (double.IsFinite(idle.BytesPerConnection))
                {
                    m.Add(scenario, "KiB/connection", kind, idle.BytesPerConnection / 1024);
                }
                break;
        }
    }

    private static void AddCpu(Measurements m, string scenario, string kind, CpuUsage cpu)
    {
        m.Add(scenario, "load gen cpu %", kind, cpu.LoadPercent);
        m.Add(scenario, "server cpu %", kind, cpu.ServerPercent);
        m.Add(scenario, "machine cpu %", kind, cpu.MachinePercent);
    }

    /// <summary>
    /// The targets in the order run <paramref name="run"/> (from 1) measures them: turned by one place each run. With a
    /// fixed order the target measured first read lower in two of three runs of issue 14 (bench/RESULTS.md).
    /// </summary>
    private static IEnumerable<string> InRunOrder(IReadOnlyList<string> targets, int run)
    {
        var first = (run - 1) % targets.Count;
        return targets.Skip(first).Concat(targets.Take(first));
    }

    /// <summary>The issue's targets, each met or missed, from the medians.</summary>
    private static string Targets(Measurements m)
    {
        var text = new StringBuilder("Targets (issue 4), from the medians:\n");
        void Check(string what, double? value, bool higherIsBetter, double goal, string unit)
        {
            if (value is not { } v || !double.IsFinite(v))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {what}: not measured");
                return;
            }

            var met = higherIsBetter ? v >= goal : v <= goal;
            var by = goal == 0 ? v : (higherIsBetter ? (goal - v) / goal : (v - goal) / goal) * 100;
            text.AppendLine(goal == 0
                ? $"- {what}: {v:0.##}{unit}, goal {goal}{unit}: {(met ? "met" : "MISSED")}"
                : $"- {what}: {v:0.##}{unit}, goal {(higherIsBetter ? ">=" : "<=")} {goal}{unit}: {(met ? "met" : $"MISSED by {by:F0}%")}");
        }

        Check("rpc calls/s hub/signalr", m.Median("rpc", "calls/s", "hub") / m.Median("rpc", "calls/s", "signalr"), true, 1.2, "x");
        Check("rpc calls/s hub/raw", m.Median("rpc", "calls/s", "hub") / m.Median("rpc", "calls/s", "raw"), true, 0.8, "x");
        Check("latency p50 hub/raw", m.Median("latency", "p50 µs", "hub") / m.Median("latency", "p50 µs", "raw"), false, 1.2, "x");
        Check("latency p99 hub", m.Median("latency", "p99 µs", "hub"), false, 250, " µs");
        Check("fanout deliveries/s hub/raw", m.Median("fanout", "deliveries/s", "hub") / m.Median("fanout", "deliveries/s", "raw"), true, 0.8, "x");
        Check("fanout deliveries/s hub/signalr", m.Median("fanout", "deliveries/s", "hub") / m.Median("fanout", "deliveries/s", "signalr"), true, 2, "x");
        Check("fanout lost (worst run)", m.Max("fanout", "lost", "hub"), false, 0, string.Empty);
        // The same ratios per server CPU second: less sensitive to whatever else runs on the machine.
        Check("rpc per server cpu: hub/signalr", m.Median("rpc", "server cpu µs/call", "signalr") / m.Median("rpc", "server cpu µs/call", "hub"), true, 1.2, "x");
        Check("rpc per server cpu: hub/raw", m.Median("rpc", "server cpu µs/call", "raw") / m.Median("rpc", "server cpu µs/call", "hub"), true, 0.8, "x");
        Check("fanout per server cpu: hub/raw", m.Median("fanout", "server cpu µs/delivery", "raw") / m.Median("fanout", "server cpu µs/delivery", "hub"), true, 0.8, "x");
        Check("fanout per server cpu: hub/signalr", m.Median("fanout", "server cpu µs/delivery", "signalr") / m.Median("fanout", "server cpu µs/delivery", "hub"), true, 2, "x");
        Check("idle connections hub", m.Median("idle", "connections", "hub"), true, 20_000, string.Empty);
        Check("idle KiB/connection hub", m.Median("idle", "KiB/connection", "hub"), false, 16, " KiB");
        return text.ToString();
    }
}
