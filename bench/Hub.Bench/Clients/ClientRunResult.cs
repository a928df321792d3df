using System.Globalization;

namespace Hub.Bench.Clients;

/// <summary>What one client library did in one shape over the measured window.</summary>
internal sealed record ClientRunResult(string Client, ClientShape Shape, long Calls, double Seconds, long AllocatedBytes, TimeSpan ClientCpu, TimeSpan ServerCpu, long WorkItems)
{
    /// <summary>Thread-pool work items the bench process ran per call: each is a hop from one thread to another.</summary>
    public double WorkItemsPerCall => Calls == 0 ? 0 : (double)WorkItems / Calls;

    public double CallsPerSecond => Calls / Seconds;

    public double BytesPerCall => Calls == 0 ? 0 : (double)AllocatedBytes / Calls;

    public double ClientCpuMicrosPerCall => Calls == 0 ? 0 : ClientCpu.TotalMicroseconds / Calls;

    public double ServerCpuMicrosPerCall => Calls == 0 ? 0 : ServerCpu.TotalMicroseconds / Calls;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Client}, {Shape.Name}: {CallsPerSecond:N0} calls/s, {BytesPerCall:N0} B allocated/call, client cpu {ClientCpuMicrosPerCall:F1} µs/call "
        + $"({ClientCpu.TotalSeconds / Seconds * 100:F0}%), server cpu {ServerCpuMicrosPerCall:F1} µs/call ({ServerCpu.TotalSeconds / Seconds * 100:F0}%), {WorkItemsPerCall:F2} work items/call");
}
