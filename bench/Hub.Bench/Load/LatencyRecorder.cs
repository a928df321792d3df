using System.Diagnostics;
using HdrHistogram;

namespace Hub.Bench.Load;

/// <summary>
/// An HdrHistogram (nanoseconds, 3 significant digits, up to 60 s) split in stripes, each behind its own lock, so
/// connections recording at once rarely meet; the stripes are merged when summarized.
/// </summary>
internal sealed class LatencyRecorder
{
    private const long HighestNanoseconds = 60_000_000_000;
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly LongHistogram[] _stripes;
    private readonly Lock[] _locks;

    public LatencyRecorder(int stripes)
    {
        stripes = Math.Clamp(stripes, 1, 32);
        _stripes = new LongHistogram[stripes];
        _locks = new Lock[stripes];
        for (var i = 0; i < stripes; i++)
        {
            _stripes[i] = new LongHistogram(HighestNanoseconds, 3);
            _locks[i] = new Lock();
        }
    }

    /// <summary>Records a duration in <see cref="Stopwatch"/> ticks; <paramref name="stripe"/> is any number (a connection's index).</summary>
    public void Record(int stripe, long elapsedTicks)
    {
        var nanoseconds = Math.Clamp((long)(elapsedTicks * NanosecondsPerTick), 1, HighestNanoseconds);
        var i = (int)((uint)stripe % (uint)_stripes.Length);
        lock (_locks[i])
        {
            _stripes[i].RecordValue(nanoseconds);
        }
    }

    public LatencySummary Summarize()
    {
        var merged = new LongHistogram(HighestNanoseconds, 3);
        for (var i = 0; i < _stripes.Length; i++)
        {
            lock (_locks[i])
            {
                merged.Add(_stripes[i]);
            }
        }

        if (merged.TotalCount == 0)
        {
            return LatencySummary.Empty;
        }

        return new LatencySummary(
            merged.TotalCount,
            Micro(merged.GetValueAtPercentile(50)),
            Micro(merged.GetValueAtPercentile(90)),
            Micro(merged.GetValueAtPercentile(99)),
            Micro(merged.GetValueAtPercentile(99.9)),
            Micro(merged.GetMaxValue()));
    }

    private static double Micro(long nanoseconds) => nanoseconds / 1000.0;
}
