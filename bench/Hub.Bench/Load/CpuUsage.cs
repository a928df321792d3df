using System.Diagnostics;

namespace Hub.Bench.Load;

/// <summary>CPU used over a window, in percent of one core (200% is both cores of this machine), by the load generator and the server.</summary>
internal sealed record CpuUsage(double LoadPercent, double ServerPercent, double MachinePercent)
{
    public static CpuUsage None { get; } = new(0, 0, 0);

    public override string ToString() =>
        $"cpu: load generator {LoadPercent:F0}%, server {ServerPercent:F0}%, whole machine {MachinePercent:F0}% of {Environment.ProcessorCount * 100}% "
        + "(100% = one core; the rest of the machine is mostly the kernel's loopback TCP)";
}

/// <summary>A point in time with the CPU time of this process and of the servers, to diff into a <see cref="CpuUsage"/>.</summary>
internal readonly record struct CpuSnapshot(long Timestamp, TimeSpan Load, TimeSpan Server, TimeSpan MachineBusy)
{
    public static CpuSnapshot Take(IReadOnlyList<int> serverPids)
    {
        var server = TimeSpan.Zero;
        foreach (var pid in serverPids)
        {
            server += ProcessStats.CpuTime(pid);
        }

        return new CpuSnapshot(Stopwatch.GetTimestamp(), ProcessStats.CpuTime(Environment.ProcessId), server, ProcessStats.MachineBusyTime());
    }

    public CpuUsage Until(CpuSnapshot end)
    {
        var wall = Stopwatch.GetElapsedTime(Timestamp, end.Timestamp).TotalSeconds;
        return wall <= 0
            ? CpuUsage.None
            : new CpuUsage(
                (end.Load - Load).TotalSeconds / wall * 100,
                (end.Server - Server).TotalSeconds / wall * 100,
                (end.MachineBusy - MachineBusy).TotalSeconds / wall * 100);
    }
}
