using BenchmarkDotNet.Configs;

namespace Hub.Bench.Micro;

/// <summary>Adds the <c>ns/byte</c> column of <see cref="TimePerByteColumn"/> to a benchmark class's summary.</summary>
public sealed class TimePerByteConfig : ManualConfig
{
    public TimePerByteConfig() => AddColumn(new TimePerByteColumn());
}
