namespace Hub.Bench.Load;

/// <summary>Percentiles of a latency histogram, in microseconds.</summary>
internal sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public override string ToString() =>
        Count == 0 ? "no samples" : $"p50 {P50:F0} us  p90 {P90:F0} us  p99 {P99:F0} us  p99.9 {P999:F0} us  max {Max:F0} us  ({Count:N0} samples)";
}
