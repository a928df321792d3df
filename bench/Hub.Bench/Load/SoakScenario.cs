using System.Diagnostics;
using System.Globalization;

namespace Hub.Bench.Load;

/// <summary>
/// A long run of mixed calls and publishes against a target (a cluster: clients spread over its endpoints), counting
/// every reply and notification against what was sent, and sampling each server process's memory, threads and
/// descriptors, so that losses, stuck calls and growth show. See <see cref="SoakOptions"/>.
/// </summary>
internal static class SoakScenario
{
    public static async Task<SoakResult> RunAsync(Target target, SoakOptions options, Action<string>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.SubscribeTimeoutSeconds + options.DurationSeconds + options.DrainSeconds + options.SettleSeconds + 120));
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var run = new SoakRun(options);
        var began = Stopwatch.GetTimestamp();
        var samples = new List<SoakSample>();
        CpuSnapshot? cpu = null;
        void Sample(string label)
        {
            // A node gone since the last sample has no CPU time left to read: that interval has no figure.
            var now = CpuSnapshot.Take(target.ServerPids);
            var sample = new SoakSample(
                label, Stopwatch.GetElapsedTime(began).TotalSeconds, target.ServerPids.Select(ProcessSample.Take).ToArray(),
                ProcessSample.Take(Environment.ProcessId), run.Clients.Sum(c => c.CallsAnswered + c.PublishesAnswered),
                run.Clients.Sum(c => c.Notifications), cpu?.Until(now) is { ServerPercent: >= 0 } usage ? usage : null);
            cpu = now;
            samples.Add(sample);
            progress?.Invoke(sample.ToString());
        }

        Sample("before connecting");
        var subscribe = Wire.Request(WireDialect.JsonRpc, "subscribe", "[\"" + options.Topic + "\"]", 0);
        var connections = await Connections.OpenAsync(target, options.Clients, async (connection, token) =>
        {
            if (await connection.CallAsync(subscribe, 0, token) != RecordKind.Reply)
            {
                throw new InvalidOperationException($"subscribe to '{options.Topic}' was refused");
            }
        }, deadline.Token);
        run.Clients = connections.Select((c, i) => new SoakClient(c, i, run, i < options.Publishers ? i : -1)).ToArray();
        var receiving = run.Clients.Select(c => c.ReceiveAsync(deadline.Token)).ToArray();
        var sending = new List<Task>();
        var closed = false;
        try
        {
            sending.AddRange(run.Publishers.Select(p => p.PublishAsync(stopSending.Token, deadline.Token)));
            var warm = Stopwatch.GetTimestamp();
            while (!run.AllHeardAll() && Stopwatch.GetElapsedTime(warm).TotalSeconds < options.SubscribeTimeoutSeconds)
            {
                await Task.Delay(50, deadline.Token);
            }

            var warmUpSeconds = Stopwatch.GetElapsedTime(warm).TotalSeconds;
            var notWarm = run.Clients.Sum(c => c.FromPublisher.Count(t => t.Highest == 0));
            run.StartMeasuring();
            run.Phase = SoakPhase.Running;
            Sample("start");
            var runCpu = cpu!.Value;
            var started = Stopwatch.GetTimestamp();
            sending.AddRange(run.Clients.Select(c => c.CallAsync(stopSending.Token, deadline.Token)));
            for (var next = options.SampleSeconds; ; next += options.SampleSeconds)
            {
                var until = Math.Min(next, options.DurationSeconds) - Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (until > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(until), deadline.Token);
                }

                if (next >= options.DurationSeconds)
                {
                    break;
                }

                Sample(string.Create(CultureInfo.InvariantCulture, $"{next:F0} s"));
            }

            var runSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cpuOverRun = runCpu.Until(CpuSnapshot.Take(target.ServerPids));
            run.Phase = SoakPhase.Draining;
            await stopSending.CancelAsync();
            await Connections.WaitAllAsync(sending, TimeSpan.FromSeconds(5));
            var draining = Stopwatch.GetTimestamp();
            while (!run.Settled() && Stopwatch.GetElapsedTime(draining).TotalSeconds < options.DrainSeconds)
            {
                await Task.Delay(100, deadline.Token);
            }

            var drainSeconds = Stopwatch.GetElapsedTime(draining).TotalSeconds;
            Sample("end (after the drain)");
            var callsUnanswered = run.Clients.Sum(c => c.PendingCalls);
            var publishesUnanswered = run.Clients.Sum(c => c.PendingPublishes);
            run.Phase = SoakPhase.Closing;
            closed = true;
            await Connections.CloseAllAsync(connections);
            await Connections.WaitAllAsync(receiving, TimeSpan.FromSeconds(10));
            await Connections.WaitAllAsync(sending, TimeSpan.FromSeconds(5));
            await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds), deadline.Token);
            Sample($"{options.SettleSeconds:F0} s after closing");
            return Summarize(target, run, samples, new Timeline(warmUpSeconds, runSeconds, drainSeconds, notWarm, callsUnanswered, publishesUnanswered, cpuOverRun));
        }
        finally
        {
            run.Phase = SoakPhase.Closing;
            if (!closed)
            {
                await Connections.CloseAllAsync(connections);
            }

            // A loop still waiting (on a reply that will not come) is let go of.
            await deadline.CancelAsync();
            await Connections.WaitAllAsync([.. receiving, .. sending], TimeSpan.FromSeconds(5));
        }
    }

    private static SoakResult Summarize(Target target, SoakRun run, List<SoakSample> samples, Timeline timeline)
    {
        var clients = run.Clients;
        var nodes = target.Endpoints.Count;
        var byNode = new (long Expected, long Received)[nodes];
        long expected = 0, received = 0, unacknowledged = 0;
        foreach (var publisher in run.Publishers)
        {
            var from = run.MeasureFrom(publisher.Publisher);
            var acknowledged = publisher.Acknowledged.From(from).ToArray();
            foreach (var client in clients)
            {
                var seen = client.FromPublisher[publisher.Publisher].Seen;
                var arrived = acknowledged.LongCount(seen.Contains);
                expected += acknowledged.Length;
                received += arrived;
                unacknowledged += seen.From(from).LongCount(s => !publisher.Acknowledged.Contains(s));
                var node = client.Connection.Node;
                byNode[node] = (byNode[node].Expected + acknowledged.Length, byNode[node].Received + arrived);
            }
        }

        var errors = clients.SelectMany(c => c.Errors)
            .GroupBy(e => e.Key)
            .Select(g => (SoakCalls.Name(g.Key.Method), g.Key.Code, g.Sum(e => e.Value), g.Key is (SoakMethod.ComputerSaysNo, -32050)))
            .OrderBy(e => e.Item2)
            .ToArray();
        return new SoakResult
        {
            Target = target.Name,
            Options = run.Options,
            Nodes = nodes,
            WarmUpSeconds = timeline.WarmUpSeconds,
            RunSeconds = timeline.RunSeconds,
            DrainSeconds = timeline.DrainSeconds,
            CallsSent = clients.Sum(c => c.CallsSent),
            CallsAnswered = clients.Sum(c => c.CallsAnswered),
            CallOutcomes = Enum.GetValues<SoakOutcome>().Select(o => clients.Sum(c => c.CallOutcomes[(int)o])).ToArray(),
            CallsUnanswered = timeline.CallsUnanswered,
            PublishesSent = clients.Sum(c => c.PublishesSent),
            PublishesAnswered = clients.Sum(c => c.PublishesAnswered),
            PublishOutcomes = Enum.GetValues<SoakOutcome>().Select(o => clients.Sum(c => c.PublishOutcomes[(int)o])).ToArray(),
            PublishesUnanswered = timeline.PublishesUnanswered,
            Errors = errors,
            UnknownReplies = clients.Sum(c => c.UnknownReplies),
            Expected = expected,
            Received = received,
            Duplicates = clients.Sum(c => c.FromPublisher.Sum(t => t.Duplicates)),
            OutOfOrder = clients.Sum(c => c.FromPublisher.Sum(t => t.OutOfOrder)),
            Unacknowledged = unacknowledged,
            Malformed = clients.Sum(c => c.Malformed),
            ByNode = byNode,
            NotWarm = timeline.NotWarm,
            Closes = clients.Where(c => c.EndedBy is not null).GroupBy(c => c.EndedBy!).ToDictionary(g => g.Key, g => g.Count()),
            SendFailures = clients.Where(c => c.SendFailure is not null).Select(c => $"client {c.Index}: {c.SendFailure}").ToArray(),
            CallLatency = run.CallLatency.Summarize(),
            DeliveryLatency = run.DeliveryLatency.Summarize(),
            Cpu = timeline.Cpu,
            Samples = samples,
        };
    }

    /// <summary>What the run's phases measured, beside the clients' counters.</summary>
    private sealed record Timeline(
        double WarmUpSeconds, double RunSeconds, double DrainSeconds, int NotWarm, long CallsUnanswered, long PublishesUnanswered, CpuUsage Cpu);
}
