using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;

namespace Hub.Bench.Load;

/// <summary>
/// One soak connection, subscribed to the topic: a call loop at the call rate with at most the in-flight bound
/// outstanding, a publish loop when it is a publisher (one publish at a time, so its sequence numbers have one order),
/// and a receive loop that matches replies to calls by id and counts notifications per publisher.
/// </summary>
internal sealed class SoakClient
{
    private readonly SoakRun _run;
    private readonly ConcurrentDictionary<int, Pending> _pending = new();
    private readonly ConcurrentDictionary<(SoakMethod Method, int Code), long> _errors = new();
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Random _random;
    private int _nextId;
    private long _sequence;
    private long _callsSent;
    private long _callsAnswered;
    private long _publishesSent;
    private long _publishesAnswered;
    private long _notifications;
    private long _measuredReceived;
    private long _acknowledgedMeasured;

    public SoakClient(BenchConnection connection, int index, SoakRun run, int publisher)
    {
        Connection = connection;
        Index = index;
        Publisher = publisher;
        _run = run;
        _slots = new SemaphoreSlim(run.Options.InFlight, run.Options.InFlight);
        _random = new Random(index); // the same mix of calls every run
        FromPublisher = Enumerable.Range(0, run.Options.Publishers).Select(_ => new SequenceTracker()).ToArray();
    }

    public BenchConnection Connection { get; }

    public int Index { get; }

    /// <summary>This client's publisher index, -1 when it does not publish.</summary>
    public int Publisher { get; }

    /// <summary>What this subscriber received from each publisher.</summary>
    public SequenceTracker[] FromPublisher { get; }

    /// <summary>The sequence numbers of this publisher's publishes answered <c>true</c>.</summary>
    public SequenceSet Acknowledged { get; } = new();

    /// <summary>The last sequence number this publisher sent (0 before the first).</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    public long CallsSent => Interlocked.Read(ref _callsSent);

    public long CallsAnswered => Interlocked.Read(ref _callsAnswered);

    public long PublishesSent => Interlocked.Read(ref _publishesSent);

    public long PublishesAnswered => Interlocked.Read(ref _publishesAnswered);

    /// <summary>Every notification received, on any topic, warm-up included.</summary>
    public long Notifications => Interlocked.Read(ref _notifications);

    /// <summary>Distinct notifications received that were published after the warm-up.</summary>
    public long MeasuredReceived => Interlocked.Read(ref _measuredReceived);

    /// <summary>This publisher's publishes after the warm-up that were answered <c>true</c>.</summary>
    public long AcknowledgedMeasured => Interlocked.Read(ref _acknowledgedMeasured);

    /// <summary>How the calls of the mix were answered, by <see cref="SoakOutcome"/>.</summary>
    public long[] CallOutcomes { get; } = new long[Enum.GetValues<SoakOutcome>().Length];

    /// <summary>How this publisher's publishes were answered, by <see cref="SoakOutcome"/>.</summary>
    public long[] PublishOutcomes { get; } = new long[Enum.GetValues<SoakOutcome>().Length];

    /// <summary>Replies whose id matches no call waiting for one (answered twice, or never asked).</summary>
    public long UnknownReplies { get; private set; }

    /// <summary>Notifications on the topic without a readable publisher and sequence number.</summary>
    public long Malformed { get; private set; }

    /// <summary>Errors by method and JSON-RPC code.</summary>
    public IReadOnlyDictionary<(SoakMethod Method, int Code), long> Errors => _errors;

    /// <summary>Calls (publishes excluded) sent and not answered.</summary>
    public int PendingCalls => _pending.Values.Count(p => p.Method != SoakMethod.Publish);

    public int PendingPublishes => _pending.Values.Count(p => p.Method == SoakMethod.Publish);

    /// <summary>How the connection ended before the bench closed it: the server's close code, or how it dropped; null while open.</summary>
    public string? EndedBy { get; private set; }

    /// <summary>Why a send failed, if one did.</summary>
    public string? SendFailure { get; private set; }

    public async Task CallAsync(CancellationToken stop, CancellationToken deadline)
    {
        var mix = _run.Options.Mix ?? SoakCalls.DefaultMix;
        var total = mix.Sum(m => m.Weight);
        var interval = _run.Options.CallRate > 0 ? TimeSpan.FromSeconds(1 / _run.Options.CallRate) : TimeSpan.Zero;
        var due = Stopwatch.GetTimestamp() + (long)(_random.NextDouble() * interval.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (interval > TimeSpan.Zero)
            {
                due = await PaceAsync(due, interval, stop);
                await _slots.WaitAsync(stop);
                var method = Pick(mix, _random.Next(total));
                var id = Interlocked.Increment(ref _nextId);
                _pending[id] = new Pending(method, Stopwatch.GetTimestamp(), 0, null);
                await SendAsync(SoakCalls.Request(method, id, _run.Options.Topic, _run.Padding), deadline);
                Interlocked.Increment(ref _callsSent);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            SendFailure ??= ex.Message;
        }
    }

    public async Task PublishAsync(CancellationToken stop, CancellationToken deadline)
    {
        var interval = TimeSpan.FromSeconds(1 / _run.Options.PublishRate);
        var due = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                due = await PaceAsync(due, interval, stop);
                var sequence = Interlocked.Increment(ref _sequence);
                var id = Interlocked.Increment(ref _nextId);
                var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending[id] = new Pending(SoakMethod.Publish, Stopwatch.GetTimestamp(), sequence, answered);
                await SendAsync(SoakCalls.Publish(id, _run.Options.Topic, Stopwatch.GetTimestamp(), sequence, Publisher, _run.Padding), deadline);
                Interlocked.Increment(ref _publishesSent);

                // One publish at a time: the next is sent after this one is answered, so "publish order" is unambiguous.
                await answered.Task.WaitAsync(deadline);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (TaskCanceledException) when (EndedBy is not null)
        {
            SendFailure ??= "the connection ended before a publish was answered";
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            SendFailure ??= ex.Message;
        }
    }

    public async Task ReceiveAsync(CancellationToken deadline)
    {
        string endedBy;
        try
        {
            while (await Connection.ReceiveAsync(deadline) is { } message)
            {
                OnMessage(message.Span);
            }

            endedBy = Connection.CloseCode is { } code ? $"close {code}" : "dropped without a close frame";
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            endedBy = "dropped: " + ex.Message;
        }

        if (_run.Phase < SoakPhase.Closing)
        {
            EndedBy = endedBy;
        }

        // Nothing more will be answered: a publisher waiting for its reply stops waiting.
        foreach (var pending in _pending.Values)
        {
            pending.Answered?.TrySetCanceled(CancellationToken.None);
        }
    }

    private static SoakMethod Pick(IReadOnlyList<(SoakMethod Method, int Weight)> mix, int pick)
    {
        foreach (var (method, weight) in mix)
        {
            if (pick < weight)
            {
                return method;
            }

            pick -= weight;
        }

        return mix[^1].Method;
    }

    private static async Task<long> PaceAsync(long due, TimeSpan interval, CancellationToken stop)
    {
        var now = Stopwatch.GetTimestamp();
        if (due > now)
        {
            await Task.Delay(Stopwatch.GetElapsedTime(now, due), stop);
        }
        else if (Stopwatch.GetElapsedTime(due, now) > TimeSpan.FromSeconds(1))
        {
            due = now; // over a second behind (the machine was busy): no catch-up burst
        }

        stop.ThrowIfCancellationRequested();
        return due + (long)(interval.TotalSeconds * Stopwatch.Frequency);
    }

    private async ValueTask SendAsync(byte[] request, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await Connection.SendAsync(request, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        var now = Stopwatch.GetTimestamp();
        var records = new RecordReader(WireDialect.JsonRpc, message);
        while (records.TryNext(out var record))
        {
            var kind = Wire.Classify(WireDialect.JsonRpc, record, out var id);
            if (kind == RecordKind.Notification)
            {
                OnNotification(record, now);
            }
            else if (kind is RecordKind.Reply or RecordKind.Error)
            {
                OnReply(record, kind, id, now);
            }
        }
    }

    private void OnNotification(ReadOnlySpan<byte> record, long now)
    {
        Interlocked.Increment(ref _notifications);
        if (!record[17..].StartsWith(_run.TopicMember))
        {
            return; // another topic
        }

        if (!Wire.TryReadStamp(record, out var timestamp, out var sequence) || !SoakCalls.TryReadPublisher(record, out var publisher)
            || (uint)publisher >= (uint)FromPublisher.Length || sequence <= 0)
        {
            Malformed++;
            return;
        }

        if (FromPublisher[publisher].Record(sequence) && sequence >= _run.MeasureFrom(publisher))
        {
            Interlocked.Increment(ref _measuredReceived);
            _run.DeliveryLatency.Record(Index, now - timestamp);
        }
    }

    private void OnReply(ReadOnlySpan<byte> record, RecordKind kind, int id, long now)
    {
        if (!_pending.TryRemove(id, out var pending))
        {
            UnknownReplies++;
            return;
        }

        var outcome = SoakCalls.Check(pending.Method, id, _run.Options.Topic, _run.Padding, kind, record);
        if (outcome is SoakOutcome.ExpectedError or SoakOutcome.UnexpectedError)
        {
            _errors.AddOrUpdate((pending.Method, Wire.TryReadErrorCode(record, out var code) ? code : 0), 1, (_, n) => n + 1);
        }

        if (pending.Method != SoakMethod.Publish)
        {
            CallOutcomes[(int)outcome]++;
            Interlocked.Increment(ref _callsAnswered);
            _run.CallLatency.Record(Index, now - pending.SentAt);
            _slots.Release();
            return;
        }

        PublishOutcomes[(int)outcome]++;
        Interlocked.Increment(ref _publishesAnswered);
        if (outcome == SoakOutcome.Correct)
        {
            Acknowledged.Add(pending.Sequence);
            if (pending.Sequence >= _run.MeasureFrom(Publisher))
            {
                Interlocked.Increment(ref _acknowledgedMeasured);
            }
        }

        pending.Answered!.TrySetResult();
    }

    private sealed record Pending(SoakMethod Method, long SentAt, long Sequence, TaskCompletionSource? Answered);
}
