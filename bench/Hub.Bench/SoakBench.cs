using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Bench.Load;

namespace Hub.Bench;

/// <summary>
/// The soak scenario against a local cluster started with scripts/cluster.sh (3 nodes by default): the report, the
/// warnings and errors the nodes logged, and exit code 1 when anything was lost, unanswered, wrong or closed.
/// </summary>
internal static partial class SoakBench
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        Console.WriteLine(Machine.Describe());
        var soak = Scenarios.Soak(options);
        soak.Validate();
        var nodes = options.Int("nodes", 3);
        await using var cluster = await LocalCluster.StartAsync(nodes, options, cancellationToken);
        if (cluster is null)
        {
            return 1;
        }

        Console.WriteLine(
            $"--- soak: {soak.Clients} clients over {nodes} nodes for {soak.DurationSeconds:F0} s; a sample every {soak.SampleSeconds:F0} s "
            + $"(node pids {string.Join(", ", cluster.Target.ServerPids)})");
        var result = await SoakScenario.RunAsync(cluster.Target, soak, line => Console.WriteLine($"{line}; {Machine.LoadAverage()}"), cancellationToken);
        Console.WriteLine();
        Console.WriteLine(result);
        Console.WriteLine(NodeLogs(cluster, nodes));
        return result.Passed ? 0 : 1;
    }

    [GeneratedRegex(@"^\[(\w+)\]\[([^\]]*)\]\[Thread \d+\]")]
    private static partial Regex AkkaPrefix();

    /// <summary>How many warnings, errors and critical lines each node logged (console format: <c>warn: Category[id]</c>), by category.</summary>
    private static string NodeLogs(LocalCluster cluster, int nodes)
    {
        var text = new StringBuilder("Node logs (.cluster/node*.log), lines at Warning or above:\n");
        for (var node = 1; node <= nodes; node++)
        {
            var path = cluster.LogPath(node);
            if (!File.Exists(path))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- node {node}: no log at {path}");
                continue;
            }

            // A console log entry is a "level: Category[id]" line followed by the message, indented; Akka's messages
            // start with their level, time and thread, left out so that repeats group (the first one's time is kept).
            var lines = File.ReadAllLines(path);
            var counts = lines
                .Select((line, i) => (line, next: i + 1 < lines.Length ? lines[i + 1].Trim() : string.Empty))
                .Select(e => (e.line, message: AkkaPrefix().Replace(e.next, "[$1]"), time: AkkaPrefix().Match(e.next) is { Success: true } m ? m.Groups[2].Value : null))
                .Where(e => e.line.StartsWith("warn: ", StringComparison.Ordinal) || e.line.StartsWith("fail: ", StringComparison.Ordinal)
                    || e.line.StartsWith("crit: ", StringComparison.Ordinal))
                .GroupBy(e => $"{e.line} {(e.message.Length > 200 ? e.message[..200] + "..." : e.message)}")
                .OrderByDescending(g => g.Count())
                .Select(g => $"{g.Count()} x {g.Key}{(g.First().time is { } first ? $" (first at {first})" : string.Empty)}")
                .ToArray();
            text.AppendLine(CultureInfo.InvariantCulture, $"- node {node}: {(counts.Length == 0 ? "none" : string.Join("\n  ", counts.Prepend(string.Empty)))}");
        }

        return text.ToString();
    }
}
