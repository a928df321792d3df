namespace Hub.Bench.Load;

/// <summary>
/// One row of the soak's timeline: each node's and the load generator's memory, threads and descriptors, the calls
/// and publishes answered and notifications received so far, and the CPU used since the previous row (none for the first).
/// </summary>
internal sealed record SoakSample(
    string Label, double Seconds, IReadOnlyList<ProcessSample> Nodes, ProcessSample LoadGenerator, long Answered, long Notifications, CpuUsage? Cpu)
{
    public override string ToString() =>
        $"[{Label}] calls and publishes answered {Answered:N0}, notifications {Notifications:N0}; "
        + string.Join(" | ", Nodes.Select((n, i) => $"node {i + 1} {n}"))
        + $" | bench {LoadGenerator}"
        + (Cpu is null ? string.Empty : $"; cpu since the last row: server {Cpu.ServerPercent:F0}%, bench {Cpu.LoadPercent:F0}%");
}
