using System.Globalization;
using System.Text;

namespace Hub.Bench;

/// <summary>Figures of several runs, by scenario, metric and target; summarized as median with min and max.</summary>
internal sealed class Measurements
{
    private readonly Dictionary<(string Scenario, string Metric, string Target), List<double>> _values = [];
    private readonly List<(string Scenario, string Metric)> _rows = [];

    public void Add(string scenario, string metric, string target, double value)
    {
        if (!_values.TryGetValue((scenario, metric, target), out var list))
        {
            _values[(scenario, metric, target)] = list = [];
        }

        if (!_rows.Contains((scenario, metric)))
        {
            _rows.Add((scenario, metric));
        }

        list.Add(value);
    }

    public double? Median(string scenario, string metric, string target)
    {
        if (!_values.TryGetValue((scenario, metric, target), out var list) || list.Count == 0)
        {
            return null;
        }

        var sorted = list.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public double? Max(string scenario, string metric, string target) =>
        _values.TryGetValue((scenario, metric, target), out var list) && list.Count > 0 ? list.Max() : null;

    /// <summary>A markdown table: one row per metric, a cell per target (median, min-max), then the hub's ratios to each baseline.</summary>
    public string Table(IReadOnlyList<string> targets)
    {
        var baselines = targets.Where(t => t != "hub").ToList();
        var text = new StringBuilder();
        text.Append("| scenario | metric | ").AppendJoin(" | ", targets);
        foreach (var baseline in baselines)
        {
            text.Append($" | hub/{baseline}");
        }

        text.AppendLine(" |").Append("|---|---|").Append(string.Concat(Enumerable.Repeat("---:|", targets.Count + baselines.Count))).AppendLine();
        foreach (var (scenario, metric) in _rows)
        {
            text.Append($"| {scenario} | {metric} |");
            foreach (var target in targets)
            {
                text.Append(' ').Append(Cell(scenario, metric, target)).Append(" |");
            }

            foreach (var baseline in baselines)
            {
                var ratio = Median(scenario, metric, "hub") / Median(scenario, metric, baseline);
                text.Append(ratio is { } r && double.IsFinite(r) && !metric.Contains("cpu", StringComparison.Ordinal) ? $" {r:F2}x |" : " |");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private string Cell(string scenario, string metric, string target)
    {
        if (!_values.TryGetValue((scenario, metric, target), out var list) || list.Count == 0)
        {
            return "-";
        }

        var median = Format(Median(scenario, metric, target)!.Value);
        return list.Count == 1 ? median : $"{median} ({Format(list.Min())}–{Format(list.Max())})";
    }

    private static string Format(double value) =>
        Math.Abs(value) >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("F0", CultureInfo.InvariantCulture)
        : value.ToString("0.##", CultureInfo.InvariantCulture);
}
