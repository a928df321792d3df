using System.Globalization;
using System.Text;

namespace Hub.Bench.Load;

/// <summary>What a soak run counted, and the problems that make it fail: anything lost, unanswered, wrong or closed.</summary>
internal sealed class SoakResult
{
    public required string Target { get; init; }

    public required SoakOptions Options { get; init; }

    public required int Nodes { get; init; }

    public required double WarmUpSeconds { get; init; }

    public required double RunSeconds { get; init; }

    public required double DrainSeconds { get; init; }

    public required long CallsSent { get; init; }

    public required long CallsAnswered { get; init; }

    /// <summary>By <see cref="SoakOutcome"/>.</summary>
    public required IReadOnlyList<long> CallOutcomes { get; init; }

    /// <summary>Calls still unanswered after the drain (the connection open or not).</summary>
    public required long CallsUnanswered { get; init; }

    public required long PublishesSent { get; init; }

    public required long PublishesAnswered { get; init; }

    /// <summary>By <see cref="SoakOutcome"/>.</summary>
    public required IReadOnlyList<long> PublishOutcomes { get; init; }

    public required long PublishesUnanswered { get; init; }

    /// <summary>Errors by method and JSON-RPC code, and whether the method always answers that error.</summary>
    public required IReadOnlyList<(string Method, int Code, long Count, bool Expected)> Errors { get; init; }

    public required long UnknownReplies { get; init; }

    /// <summary>Notifications expected: every publish acknowledged after the warm-up, once at every subscriber.</summary>
    public required long Expected { get; init; }

    /// <summary>Of those, how many arrived.</summary>
    public required long Received { get; init; }

    public long Lost => Expected - Received;

    public required long Duplicates { get; init; }

    public required long OutOfOrder { get; init; }

    /// <summary>Notifications of publishes that were not acknowledged (answered with an error, or not at all).</summary>
    public required long Unacknowledged { get; init; }

    public required long Malformed { get; init; }

    /// <summary>Expected and received by the subscriber's node.</summary>
    public required IReadOnlyList<(long Expected, long Received)> ByNode { get; init; }

    /// <summary>Subscriber and publisher pairs that had not met when the warm-up ended.</summary>
    public required int NotWarm { get; init; }

    /// <summary>Connections ended by the server (or dropped) before the bench closed them, by how.</summary>
    public required IReadOnlyDictionary<string, int> Closes { get; init; }

    public required IReadOnlyList<string> SendFailures { get; init; }

    public required LatencySummary CallLatency { get; init; }

    public required LatencySummary DeliveryLatency { get; init; }

    /// <summary>CPU over the measured run, from the start sample to the end of the duration.</summary>
    public required CpuUsage Cpu { get; init; }

    public required IReadOnlyList<SoakSample> Samples { get; init; }

    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            Add(Lost, "notifications lost");
            Add(Duplicates, "notifications duplicated");
            Add(OutOfOrder, "notifications out of publish order");
            Add(Malformed, "notifications unreadable");
            Add(CallsUnanswered, "calls unanswered after the drain");
            Add(PublishesUnanswered, "publishes unanswered after the drain");
            Add(CallOutcomes[(int)SoakOutcome.WrongResult] + PublishOutcomes[(int)SoakOutcome.WrongResult], "wrong results");
            Add(CallOutcomes[(int)SoakOutcome.UnexpectedError] + PublishOutcomes[(int)SoakOutcome.UnexpectedError], "unexpected errors");
            Add(UnknownReplies, "replies to no pending call");
            Add(Closes.Values.Sum(), "connections ended by the server or dropped");
            Add(SendFailures.Count, "clients that could not send");
            Add(NotWarm, "subscriber/publisher pairs without a notification when the warm-up ended");
            var gone = Samples.Count == 0 ? 0 : Samples[^1].Nodes.Count(n => n.Gone);
            Add(gone, "nodes gone by the end");
            return problems;

            void Add(long count, string what)
            {
                if (count > 0)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{count:N0} {what}"));
                }
            }
        }
    }

    public bool Passed => Problems.Count == 0;

    public override string ToString()
    {
        var o = Options;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"soak {Target}: {o.Clients} clients over {Nodes} node(s), {RunSeconds:F0} s (warm-up {WarmUpSeconds:F1} s, drain {DrainSeconds:F1} s)")
            .AppendLine(CultureInfo.InvariantCulture, $"  each client: {o.CallRate:G} calls/s, at most {o.InFlight} in flight, subscribed to '{o.Topic}'; {o.Publishers} publisher(s) at {o.PublishRate:G} publishes/s each, one at a time")
            .AppendLine(CultureInfo.InvariantCulture, $"  mix: {string.Join(", ", (o.Mix ?? SoakCalls.DefaultMix).Select(m => $"{SoakCalls.Name(m.Method)} {m.Weight}"))}")
            .AppendLine()
            .AppendLine("| figure | value |")
            .AppendLine("|---|---:|");
        Row("calls sent", CallsSent);
        Row("calls answered", CallsAnswered);
        Row("  correct result", CallOutcomes[(int)SoakOutcome.Correct]);
        Row("  the error the method always gives (computer_says_no -32050)", CallOutcomes[(int)SoakOutcome.ExpectedError]);
        Row("  wrong result", CallOutcomes[(int)SoakOutcome.WrongResult]);
        Row("  unexpected error", CallOutcomes[(int)SoakOutcome.UnexpectedError]);
        Row("calls unanswered after the drain", CallsUnanswered);
        Row("replies to no pending call", UnknownReplies);
        Row("publishes sent", PublishesSent);
        Row("publishes answered true", PublishOutcomes[(int)SoakOutcome.Correct]);
        Row("publishes answered otherwise", PublishesAnswered - PublishOutcomes[(int)SoakOutcome.Correct]);
        Row("publishes unanswered after the drain", PublishesUnanswered);
        foreach (var (method, code, count, expected) in Errors)
        {
            Row($"error {code} from {method}{(expected ? " (expected)" : string.Empty)}", count);
        }

        Row("notifications expected", Expected);
        Row("notifications received", Received);
        Row("notifications lost", Lost);
        Row("notifications duplicated", Duplicates);
        Row("notifications out of order", OutOfOrder);
        Row("notifications of unacknowledged publishes", Unacknowledged);
        for (var node = 0; node < ByNode.Count; node++)
        {
            Row($"  received / expected at subscribers on node {node + 1}", ByNode[node].Received, ByNode[node].Expected);
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| connections ended by the server or dropped | {(Closes.Count == 0 ? "0" : string.Join(", ", Closes.Select(c => $"{c.Key}: {c.Value}")))} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| call latency (µs) | p50 {CallLatency.P50:F0}, p99 {CallLatency.P99:F0}, p99.9 {CallLatency.P999:F0}, max {CallLatency.Max:F0} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| delivery latency (µs) | p50 {DeliveryLatency.P50:F0}, p99 {DeliveryLatency.P99:F0}, p99.9 {DeliveryLatency.P999:F0}, max {DeliveryLatency.Max:F0} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| cpu over the run (% of one core) | server {Cpu.ServerPercent:F0}, bench {Cpu.LoadPercent:F0}, machine {Cpu.MachinePercent:F0} of {Environment.ProcessorCount * 100} |")
            .AppendLine()
            .AppendLine(SamplesTable());
        foreach (var failure in SendFailures.Distinct().Take(5))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- send failure: {failure}");
        }

        text.AppendLine(Passed ? "PASSED: nothing lost, unanswered, wrong or closed" : "FAILED: " + string.Join("; ", Problems));
        return text.ToString();

        void Row(string figure, long value, long? of = null) =>
            text.AppendLine(CultureInfo.InvariantCulture, $"| {figure} | {value:N0}{(of is { } total ? $" / {total:N0}" : string.Empty)} |");
    }

    /// <summary>The timeline: per node resident MiB / threads / open descriptors at each sample.</summary>
    public string SamplesTable()
    {
        var nodes = Samples.Count == 0 ? 0 : Samples.Max(s => s.Nodes.Count);
        var text = new StringBuilder("| sample | s |");
        for (var node = 1; node <= nodes; node++)
        {
            text.Append(CultureInfo.InvariantCulture, $" node {node} MiB / threads / fds |");
        }

        text.AppendLine(" bench MiB / threads | calls and publishes answered | notifications | server cpu % since last |")
            .Append("|---|---:|").Append(string.Concat(Enumerable.Repeat("---:|", nodes))).AppendLine("---:|---:|---:|---:|");
        foreach (var sample in Samples)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {sample.Label} | {sample.Seconds:F0} |");
            foreach (var node in sample.Nodes)
            {
                text.Append(node.Gone ? " gone |" : string.Create(CultureInfo.InvariantCulture, $" {node.ResidentMiB:F1} / {node.Threads} / {node.OpenFiles} |"));
            }

            text.AppendLine(CultureInfo.InvariantCulture,
                $" {sample.LoadGenerator.ResidentMiB:F1} / {sample.LoadGenerator.Threads} | {sample.Answered:N0} | {sample.Notifications:N0} | {(sample.Cpu is { } cpu ? cpu.ServerPercent.ToString("F0", CultureInfo.InvariantCulture) : "-")} |");
        }

        return text.ToString();
    }
}
