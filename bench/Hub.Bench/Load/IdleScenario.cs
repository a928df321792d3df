using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hub.Bench.Load;

/// <summary>
/// Opens idle connections until <paramref name="Max"/>, the time limit, or the first failure; memory per connection is
/// the server's VmRSS growth after the first <paramref name="Warm"/> connections (which pay for code and pools) divided
/// by the connections opened after them.
/// </summary>
internal sealed record IdleOptions(int Max, double TimeLimitSeconds, double HoldSeconds, int Warm = 100, double ConnectTimeoutSeconds = 10);

internal sealed record IdleResult(
    string Target, int Opened, int Max, int Failed, string? FirstFailure, long ResidentBefore, long ResidentAfter, int Measured,
    double OpenSeconds, long OpenFilesLimit)
{
    public double BytesPerConnection => Measured > 0 && ResidentAfter > 0 ? (double)(ResidentAfter - ResidentBefore) / Measured : double.NaN;

    public override string ToString() =>
        $"idle {Target}: {Opened:N0} connections open (asked {Max:N0}, in {OpenSeconds:F1} s; {Failed} failed{(FirstFailure is null ? string.Empty : ": " + FirstFailure)})\n"
        + (ResidentAfter == 0 ? "  server VmRSS unreadable after the ramp: the server is gone " : $"  server VmRSS {ResidentBefore / 1048576.0:F1} MiB -> {ResidentAfter / 1048576.0:F1} MiB: {BytesPerConnection / 1024:F1} KiB per connection ")
        + $"(over {Measured:N0})\n  open-files limit of the load generator: {OpenFilesLimit:N0}";
}

internal static class IdleScenario
{
    public static async Task<IdleResult> RunAsync(Target target, IdleOptions options, CancellationToken cancellationToken)
    {
        var opened = new ConcurrentBag<BenchConnection>();
        var failures = 0;
        string? firstFailure = null;
        var pid = target.ServerPids.Count > 0 ? target.ServerPids[0] : Environment.ProcessId;
        var warm = Math.Min(options.Warm, options.Max / 2);
        try
        {
            for (var i = 0; i < warm; i++)
            {
                opened.Add(await ConnectAsync(target, i, options, cancellationToken));
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var before = Resident(target, pid);
            var started = Stopwatch.GetTimestamp();
            var stop = false;
            await Parallel.ForEachAsync(
                Indexes(warm, options.Max, () => stop || Stopwatch.GetElapsedTime(started).TotalSeconds > options.TimeLimitSeconds),
                new ParallelOptions { MaxDegreeOfParallelism = Connections.Parallelism * 2, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    try
                    {
                        opened.Add(await ConnectAsync(target, i, options, token));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        // The first failure ends the ramp: it is the largest N this machine takes, or a limit.
                        stop = true;
                        if (Interlocked.Increment(ref failures) == 1)
                        {
                            firstFailure = ex.GetBaseException().Message;
                        }
                    }
                });
            var openSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(options.HoldSeconds), cancellationToken);
            var after = Resident(target, pid);
            return new IdleResult(
                target.Name, opened.Count, options.Max, failures, firstFailure, before, after, opened.Count - warm, openSeconds,
                ProcessStats.OpenFilesLimit());
        }
        finally
        {
            await Connections.CloseAllAsync(opened);
        }
    }

    private static long Resident(Target target, int pid) =>
        target.ServerPids.Count > 0 ? target.ServerPids.Sum(ProcessStats.ResidentBytes) : ProcessStats.ResidentBytes(pid);

    private static async Task<BenchConnection> ConnectAsync(Target target, int i, IdleOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.ConnectTimeoutSeconds));
        var node = i % target.Endpoints.Count;
        return await BenchConnection.ConnectAsync(target.Endpoints[node], target.Dialect, node, timeout.Token);
    }

    private static IEnumerable<int> Indexes(int from, int to, Func<bool> stop)
    {
        for (var i = from; i < to && !stop(); i++)
        {
            yield return i;
        }
    }
}
