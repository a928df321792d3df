using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Hub.Bench.Load;

/// <summary>
/// S subscribers on topic <c>bench</c>; <paramref name="Publishers"/> publisher connections with at most K publishes in
/// flight among them. A server that runs one call of a connection at a time (SignalR by default, the hub's sequential
/// <c>publish</c>) gets K publishes at once only from K connections, hence one publisher per publish in flight by
/// default. <paramref name="Window"/> bounds how far publishing may run ahead of the slowest subscriber (in messages,
/// well under the hub's outbound limit of 1,000); <paramref name="Rate"/> caps publishes per second in all (0: as fast
/// as the window allows).
/// </summary>
internal sealed record FanoutOptions(
    int Subscribers, int InFlight, double DurationSeconds, double WarmupSeconds, int PayloadBytes = 100, int Window = 32,
    double Rate = 0, double DrainSeconds = 5, double SubscribeTimeoutSeconds = 30, int Publishers = 1);

internal sealed record FanoutResult(
    string Target, int Subscribers, long Publishes, long Deliveries, double Seconds, long Expected, long Received, long Errors,
    int Disconnected, LatencySummary Latency, IReadOnlyList<LatencySummary> NodeLatency, CpuUsage Cpu, string? Failure)
{
    public double DeliveriesPerSecond => Seconds > 0 ? Deliveries / Seconds : 0;

    public double PublishesPerSecond => Seconds > 0 ? Publishes / Seconds : 0;

    public long Lost => Expected - Received;

    public override string ToString()
    {
        var text = new StringBuilder()
            .Append($"fanout {Target}: S={Subscribers}  {DeliveriesPerSecond:N0} deliveries/s  ({PublishesPerSecond:N0} publishes/s; ")
            .Append($"lost {Lost:N0} of {Expected:N0}, {Errors} errors, {Disconnected} disconnected)\n")
            .Append($"  delivery latency {Latency}\n  {Cpu}");
        for (var node = 0; node < NodeLatency.Count && NodeLatency.Count > 1; node++)
        {
            text.Append($"\n  subscribers on node {node + 1}: {NodeLatency[node]}");
        }

        return text.Append(Failure is null ? string.Empty : $"\n  FAILED: {Failure}").ToString();
    }
}

internal static class FanoutScenario
{
    public const string Topic = "bench";

    private const int Warmup = 0;
    private const int Measuring = 1;
    private const int Stopping = 2;
    private const int Closing = 3;

    public static async Task<FanoutResult> RunAsync(Target target, FanoutOptions options, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.WarmupSeconds + options.DurationSeconds + options.DrainSeconds + options.SubscribeTimeoutSeconds + 60));
        var run = new Run(target, options);
        var subscribe = Wire.Request(target.Dialect, "subscribe", "[\"" + Topic + "\"]", 1);
        var subscribers = await Connections.OpenAsync(target, options.Subscribers, async (connection, token) =>
        {
            if (await connection.CallAsync(subscribe, 1, token) != RecordKind.Reply)
            {
                throw new InvalidOperationException("subscribe was refused");
            }
        }, deadline.Token);
        var publishers = new List<BenchConnection>();
        var loops = new List<Task>();
        try
        {
            for (var i = 0; i < Math.Max(1, options.Publishers); i++)
            {
                publishers.Add(await BenchConnection.ConnectAsync(target.Endpoints[0], target.Dialect, 0, deadline.Token));
            }

            run.Subscribers = subscribers.Select((c, i) => new Subscriber(c, i)).ToArray();
            loops.AddRange(run.Subscribers.Select(s => run.ReceiveNotificationsAsync(s, deadline.Token)));
            loops.AddRange(publishers.Select(p => run.ReceiveRepliesAsync(p, deadline.Token)));
            var sending = Task.WhenAll(publishers.Select(p => run.PublishAsync(p, publishers.Count, deadline.Token)));

            // Warm up for the time asked, and until every subscriber has had a notification: in a cluster, a
            // subscription reaches the other nodes by gossip, within about a second.
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started).TotalSeconds < options.WarmupSeconds
                   || (run.Subscribers.Any(s => s.Seen == 0 && !s.Done) && Stopwatch.GetElapsedTime(started).TotalSeconds < options.WarmupSeconds + options.SubscribeTimeoutSeconds))
            {
                await Task.Delay(20, deadline.Token);
                if (sending.IsCompleted)
                {
                    break;
                }
            }

            // The publisher marks the first publish it sends from now on as where counting starts (MeasureFrom).
            var start = CpuSnapshot.Take(target.ServerPids);
            run.Phase = Measuring;
            await Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds), deadline.Token);
            run.Phase = Stopping;
            var end = CpuSnapshot.Take(target.ServerPids);
            await Connections.WaitAllAsync([sending], TimeSpan.FromSeconds(10));

            // Drain: every publish answered and every expected notification in, or the drain time is up.
            var draining = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(draining).TotalSeconds < options.DrainSeconds
                   && (run.InFlight > 0 || run.Received < run.ExpectedPublishes * options.Subscribers))
            {
                await Task.Delay(20, deadline.Token);
            }

            run.Phase = Closing;
            var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
            var failure = sending.IsFaulted ? sending.Exception!.GetBaseException().Message : run.Failure;

            // A publish still unanswered when the drain ran out makes the loss meaningless both ways: its
            // notifications may be in (fan-out can overtake the publish's reply) while it is not yet expected.
            var unanswered = run.InFlight;
            if (unanswered > 0)
            {
                failure ??= $"{unanswered} publishes unanswered after the {options.DrainSeconds:0.#} s drain";
            }

            var expected = run.ExpectedPublishes * options.Subscribers;
            return new FanoutResult(
                target.Name, options.Subscribers, run.WindowPublishes, run.Subscribers.Sum(s => Interlocked.Read(ref s.WindowDeliveries)), seconds,
                expected, run.Received, run.Errors, run.Subscribers.Count(s => s.Done),
                run.Latency.Summarize(), run.NodeLatency.Select(r => r.Summarize()).ToArray(), start.Until(end), failure);
        }
        finally
        {
            run.Phase = Closing;
            await Connections.CloseAllAsync([.. subscribers, .. publishers]);
            await Connections.WaitAllAsync(loops, TimeSpan.FromSeconds(5));
        }
    }

    private sealed class Subscriber(BenchConnection connection, int index)
    {
        public long Seen;
        public long Received;
        public long WindowDeliveries;

        public BenchConnection Connection { get; } = connection;

        public int Index { get; } = index;

        public bool Done { get; set; }
    }

    private sealed class Run
    {
        private readonly Target _target;
        private readonly FanoutOptions _options;
        private readonly long[] _slotSequence;
        private readonly ConcurrentQueue<int> _freeSlots;
        private readonly SemaphoreSlim _slots;
        private readonly byte[] _padding;
        private readonly Lock _numbering = new();
        private long _measureFrom = long.MaxValue;
        private long _sequence;
        private long _expected;
        private long _windowPublishes;
        private long _errors;
        private int _phase;

        public Run(Target target, FanoutOptions options)
        {
            _target = target;
            _options = options;
            _slotSequence = new long[options.InFlight];
            _freeSlots = new ConcurrentQueue<int>(Enumerable.Range(0, options.InFlight));
            _slots = new SemaphoreSlim(options.InFlight, options.InFlight);

            // The data object is {"t":<about 15 digits>,"s":<up to 7>,"p":"..."}: padding brings it to PayloadBytes.
            _padding = Encoding.ASCII.GetBytes(new string('x', Math.Max(1, options.PayloadBytes - 40)));
            NodeLatency = Enumerable.Range(0, target.Endpoints.Count).Select(_ => new LatencyRecorder(8)).ToArray();
        }

        public Subscriber[] Subscribers { get; set; } = [];

        public LatencyRecorder Latency { get; } = new(32);

        public LatencyRecorder[] NodeLatency { get; }

        public string? Failure { get; private set; }

        public int Phase
        {
            get => Volatile.Read(ref _phase);
            set => Volatile.Write(ref _phase, value);
        }

        public long MeasureFrom
        {
            get => Volatile.Read(ref _measureFrom);
            set => Volatile.Write(ref _measureFrom, value);
        }

        public long Sequence => Volatile.Read(ref _sequence);

        public long ExpectedPublishes => Interlocked.Read(ref _expected);

        public long WindowPublishes => Interlocked.Read(ref _windowPublishes);

        public long Errors => Interlocked.Read(ref _errors);

        public int InFlight => _options.InFlight - _slots.CurrentCount;

        public long Received => Subscribers.Sum(s => Interlocked.Read(ref s.Received));

        /// <summary>One publisher's loop; <paramref name="publishers"/> loops share the slots, the window and the rate.</summary>
        public async Task PublishAsync(BenchConnection publisher, int publishers, CancellationToken cancellationToken)
        {
            var buffer = new byte[512 + _padding.Length];
            var interval = _options.Rate > 0 ? (long)(Stopwatch.Frequency * publishers / _options.Rate) : 0;
            var due = Stopwatch.GetTimestamp();
            while (Phase < Stopping)
            {
                await _slots.WaitAsync(cancellationToken);
                if (!await WithinWindowAsync(cancellationToken))
                {
                    _slots.Release();
                    break;
                }

                if (interval > 0)
                {
                    due += interval;
                    var now = Stopwatch.GetTimestamp();
                    if (due < now - Stopwatch.Frequency / 20)
                    {
                        due = now; // behind by over 50 ms: no catch-up burst
                    }
                    else if (due - now > Stopwatch.Frequency / 1000)
                    {
                        await Task.Delay(Stopwatch.GetElapsedTime(now, due), cancellationToken);
                    }
                }

                _freeSlots.TryDequeue(out var slot);
                long sequence;
                lock (_numbering)
                {
                    sequence = ++_sequence;

                    // Counting starts with a publish numbered, and so sent, after the mark is set: a publish numbered
                    // before it could be answered before the mark was set (not expected) and then have its
                    // notifications counted (received): a negative loss under load. Numbering and marking are one
                    // step, as the publisher loops number concurrently.
                    if (MeasureFrom == long.MaxValue && Phase >= Measuring)
                    {
                        MeasureFrom = sequence;
                    }
                }

                _slotSequence[slot] = sequence;
                var length = Encode(buffer, slot, sequence);
                await publisher.SendAsync(buffer.AsMemory(0, length), cancellationToken);
            }
        }

        public async Task ReceiveRepliesAsync(BenchConnection publisher, CancellationToken cancellationToken)
        {
            try
            {
                while (await publisher.ReceiveAsync(cancellationToken) is { } message)
                {
                    OnReplies(message.Span);
                }

                if (Phase < Closing)
                {
                    Failure ??= "the server closed the publisher's connection";
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (Phase < Closing)
                {
                    Failure ??= "publisher: " + ex.Message;
                }
            }
        }

        public async Task ReceiveNotificationsAsync(Subscriber subscriber, CancellationToken cancellationToken)
        {
            try
            {
                while (await subscriber.Connection.ReceiveAsync(cancellationToken) is { } message)
                {
                    OnNotifications(subscriber, message.Span);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }

            if (Phase < Closing)
            {
                subscriber.Done = true;
            }
        }

        /// <summary>Waits while the publisher is more than the window ahead of the slowest subscriber that is receiving.</summary>
        private async Task<bool> WithinWindowAsync(CancellationToken cancellationToken)
        {
            while (Phase < Stopping)
            {
                var slowest = long.MaxValue;
                foreach (var subscriber in Subscribers)
                {
                    var seen = Volatile.Read(ref subscriber.Seen);
                    if (seen > 0 && !subscriber.Done && seen < slowest)
                    {
                        slowest = seen;
                    }
                }

                if (slowest == long.MaxValue || Sequence - slowest < _options.Window)
                {
                    return true;
                }

                await Task.Delay(1, cancellationToken);
            }

            return false;
        }

        private void OnReplies(ReadOnlySpan<byte> message)
        {
            var records = new RecordReader(_target.Dialect, message);
            while (records.TryNext(out var record))
            {
                var kind = Wire.Classify(_target.Dialect, record, out var slot);
                if (kind is not (RecordKind.Reply or RecordKind.Error) || (uint)slot >= (uint)_slotSequence.Length)
                {
                    continue;
                }

                var sequence = _slotSequence[slot];
                if (kind == RecordKind.Error)
                {
                    Interlocked.Increment(ref _errors);
                }
                else if (sequence >= MeasureFrom)
                {
                    Interlocked.Increment(ref _expected);
                    if (Phase == Measuring)
                    {
                        Interlocked.Increment(ref _windowPublishes);
                    }
                }

                _freeSlots.Enqueue(slot);
                _slots.Release();
            }
        }

        private void OnNotifications(Subscriber subscriber, ReadOnlySpan<byte> message)
        {
            var now = Stopwatch.GetTimestamp();
            var records = new RecordReader(_target.Dialect, message);
            while (records.TryNext(out var record))
            {
                if (Wire.Classify(_target.Dialect, record, out _) != RecordKind.Notification
                    || !Wire.TryReadStamp(record, out var timestamp, out var sequence))
                {
                    continue;
                }

                if (sequence > Volatile.Read(ref subscriber.Seen))
                {
                    Volatile.Write(ref subscriber.Seen, sequence);
                }

                if (sequence < MeasureFrom)
                {
                    continue;
                }

                Interlocked.Increment(ref subscriber.Received);
                if (Phase == Measuring)
                {
                    Interlocked.Increment(ref subscriber.WindowDeliveries);
                    Latency.Record(subscriber.Index, now - timestamp);
                    NodeLatency[subscriber.Connection.Node].Record(subscriber.Index, now - timestamp);
                }
            }
        }

        /// <summary>A publish of <c>{"t":TIMESTAMP,"s":SEQUENCE,"p":"xx..."}</c> to the topic, with the slot as its id.</summary>
        private int Encode(byte[] buffer, int slot, long sequence)
        {
            var writer = new SpanWriter(buffer);
            if (_target.Dialect == WireDialect.SignalR)
            {
                writer.Write("{\"type\":1,\"invocationId\":\""u8);
                writer.Write(slot);
                writer.Write("\",\"target\":\"Publish\",\"arguments\":[\"bench\","u8);
            }
            else
            {
                writer.Write("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\","u8);
            }

            writer.Write("{\"t\":"u8);
            writer.Write(Stopwatch.GetTimestamp());
            writer.Write(",\"s\":"u8);
            writer.Write(sequence);
            writer.Write(",\"p\":\""u8);
            writer.Write(_padding);
            writer.Write("\"}]"u8);
            if (_target.Dialect == WireDialect.SignalR)
            {
                writer.Write("}\u001e"u8);
            }
            else
            {
                writer.Write(",\"id\":"u8);
                writer.Write(slot);
                writer.Write("}"u8);
            }

            return writer.Length;
        }
    }
}
