using System.Diagnostics;

namespace Hub.Bench.Load;

/// <summary>CPU used over a window, in percent of one core (200% is both cores of this machine), by the load generator and the server.</summary>
internal sealed record CpuUsage(double LoadPercent, double ServerPercent)
{
    public static CpuUsage None { get; } = new(0, 0);

    public override string ToString() => $"cpu: load generator {LoadPercent:F0}%, server {ServerPercent:F0}% (of one core)";
}

/// <summary>A point in time with the CPU time of this process and of the servers, to diff into a <see cref="CpuUsage"/>.</summary>
internal readonly record struct CpuSnapshot(long Timestamp, TimeSpan Load, TimeSpan Server)
{
    public static CpuSnapshot Take(IReadOnlyList<int> serverPids)
    {
        var server = TimeSpan.Zero;
        foreach (var pid in serverPids)
        {
            server += ProcessStats.CpuTime(pid);
        }

        return new CpuSnapshot(Stopwatch.GetTimestamp(), ProcessStats.CpuTime(Environment.ProcessId), server);
    }

    public CpuUsage Until(CpuSnapshot end)
    {
        var wall = Stopwatch.GetElapsedTime(Timestamp, end.Timestamp).TotalSeconds;
        return wall <= 0
            ? CpuUsage.None
            : new CpuUsage((end.Load - Load).TotalSeconds / wall * 100, (end.Server - Server).TotalSeconds / wall * 100);
    }
}
