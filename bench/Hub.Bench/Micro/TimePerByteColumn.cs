using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Hub.Bench.Micro;

/// <summary>
/// The mean time of one parse divided by the bytes of its frame, for <see cref="MemberNameBenchmarks"/>: the figure
/// that must not grow with the frame's size or shape.
/// </summary>
public sealed class TimePerByteColumn : IColumn
{
    public string Id => nameof(TimePerByteColumn);

    public string ColumnName => "ns/byte";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Mean time per parse divided by the frame's length in bytes (the length in brackets)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } statistics
            || benchmarkCase.Parameters[nameof(MemberNameBenchmarks.Members)] is not int members
            || benchmarkCase.Parameters[nameof(MemberNameBenchmarks.Repeats)] is not bool repeats)
        {
            return "-";
        }

        var bytes = MemberNameBenchmarks.Frame(members, repeats).Length;
        return string.Create(CultureInfo.InvariantCulture, $"{statistics.Mean / bytes:0.00} ({bytes:N0} B)");
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
