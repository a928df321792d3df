using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hub.Bench.Load;

namespace Hub.Bench.Clients;

/// <summary>
/// <c>client</c>: the .NET clients against their own servers, Hub.Client against the hub and the ASP.NET Core SignalR
/// client against the SignalR baseline, each server started afresh by the bench for every measurement. For each run and
/// shape the two clients take turns (the first one alternates by run), each measured after its own warm-up in this process: calls/s, bytes
/// allocated per call (every thread of the bench, which runs nothing else meanwhile), the bench's CPU and the server's
/// per call. Prints medians over the runs with their spread and Hub.Client's ratio to the SignalR client.
/// </summary>
internal static class ClientBench
{
    private static readonly string[] Kinds = ["hub", "signalr"];

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var runs = options.Int("runs", 3);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 5));
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 2));
        var shapes = ClientShape.Parse(options.List("shapes", "1x1", "1x64", "16x16"));
        var clients = options.List("clients", Kinds);
        Console.WriteLine(Machine.Describe());

        var measurements = new Measurements();
        var problems = new List<string>();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var shape in shapes)
            {
                // Each run starts with the other client, so neither is always measured first.
                foreach (var kind in run % 2 == 1 ? clients : clients.Reverse())
                {
                    // A fresh server for each measurement, as compare does: nothing carries over from the one before.
                    await using var server = await ServerProcess.StartAsync(kind, Scenarios.ServerArgs(options, kind), Scenarios.ServerEnvironment(options), cancellationToken);
                    try
                    {
                        var result = await MeasureAsync(kind, server, shape, warmup, duration, cancellationToken);
                        Console.WriteLine($"--- run {run}/{runs} ({Machine.LoadAverage()}): {result}");
                        measurements.Add(shape.Name, "calls/s", kind, result.CallsPerSecond);
                        measurements.Add(shape.Name, "B allocated/call", kind, result.BytesPerCall);
                        measurements.Add(shape.Name, "client cpu µs/call", kind, result.ClientCpuMicrosPerCall);
                        measurements.Add(shape.Name, "server cpu µs/call", kind, result.ServerCpuMicrosPerCall);
                        measurements.Add(shape.Name, "client work items/call", kind, result.WorkItemsPerCall);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        // Figures of a failed measurement mean nothing; the server's last words may say why.
                        problems.Add($"run {run} {shape.Name} {kind}: {ex.GetBaseException().Message}");
                        Console.WriteLine($"FAILED: {kind}, {shape.Name}: {ex.GetBaseException().Message}\n{server.Exited}");
                    }
                }
            }
        }

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{Machine.Describe()}; {runs} run(s) of {duration.TotalSeconds:F0} s after {warmup.TotalSeconds:F0} s; median (min–max)")
            .AppendLine("hub = Hub.Client against the hub, signalr = Microsoft.AspNetCore.SignalR.Client against the SignalR baseline")
            .AppendLine()
            .AppendLine(measurements.Table(clients));
        return await Compare.ReportAsync(report, problems, options, cancellationToken);
    }

    private static async Task<ClientRunResult> MeasureAsync(
        string kind, ServerProcess server, ClientShape shape, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var endpoint = server.Target.Endpoints[0];
        var connections = new IBenchClient[shape.Clients];
        for (var i = 0; i < connections.Length; i++)
        {
            connections[i] = kind == "signalr"
                ? await SignalRBenchClient.ConnectAsync(endpoint, cancellationToken)
                : await HubBenchClient.ConnectAsync(endpoint, cancellationToken);
        }

        // One counter per caller, a cache line apart, so counting costs no shared write.
        const int Stride = 16;
        var callers = shape.Clients * shape.CallersPerClient;
        var counts = new long[callers * Stride];
        using var stop = new CancellationTokenSource();
        var loops = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            var slot = i * Stride;
            var client = connections[i / shape.CallersPerClient];
            loops[i] = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await client.PingAsync();
                    Volatile.Write(ref counts[slot], counts[slot] + 1);
                }
            }, CancellationToken.None);
        }

        try
        {
            await Task.Delay(warmup, cancellationToken);
            var start = Snapshot.Take(counts, Stride, server.Pid);
            await Task.Delay(duration, cancellationToken);
            var end = Snapshot.Take(counts, Stride, server.Pid);
            return new ClientRunResult(
                kind, shape, end.Calls - start.Calls, Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds,
                end.Allocated - start.Allocated, end.ClientCpu - start.ClientCpu, end.ServerCpu - start.ServerCpu, end.WorkItems - start.WorkItems);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private readonly record struct Snapshot(long Timestamp, long Calls, long Allocated, TimeSpan ClientCpu, TimeSpan ServerCpu, long WorkItems)
    {
        public static Snapshot Take(long[] counts, int stride, int serverPid)
        {
            long calls = 0;
            for (var i = 0; i < counts.Length; i += stride)
            {
                calls += Volatile.Read(ref counts[i]);
            }

            return new Snapshot(
                Stopwatch.GetTimestamp(), calls, GC.GetTotalAllocatedBytes(precise: true),
                ProcessStats.CpuTime(Environment.ProcessId), ProcessStats.CpuTime(serverPid), ThreadPool.CompletedWorkItemCount);
        }
    }
}
