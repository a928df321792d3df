using System.Diagnostics;
using System.Net.WebSockets;

namespace Hub.Bench.Load;

/// <summary>
/// C connections, each keeping P calls in flight (a closed loop: each reply sends the next call). With
/// <paramref name="FramesPerWrite"/> above 1 a connection reads every reply already received before it sends, and sends the
/// next calls up to that many frames in one write (pipelined, as a client that coalesces its sends does); with 1, one
/// frame per write, each as soon as its reply is read. With <paramref name="Rate"/> above 0 the loop is open instead: the
/// connections together send that many calls a second on a fixed schedule (at most P in flight each), and a call's
/// latency counts from when the schedule said to send it, so a call held back behind slow replies counts its wait too.
/// </summary>
internal sealed record RpcOptions(
    int Connections, int InFlight, double DurationSeconds, double WarmupSeconds, string Method = "ping", string? Params = null, int FramesPerWrite = 1,
    double Rate = 0);

internal sealed record RpcResult(
    string Target, int Connections, int InFlight, long Calls, long Errors, double Seconds, LatencySummary Latency, CpuUsage Cpu, string? Failure,
    int FramesPerWrite = 1)
{
    public double CallsPerSecond => Seconds > 0 ? Calls / Seconds : 0;

    public override string ToString() =>
        $"rpc {Target}: C={Connections} P={InFlight}" + (FramesPerWrite > 1 ? $" frames/write<={FramesPerWrite}" : string.Empty) + $"  {CallsPerSecond:N0} calls/s  ({Calls:N0} calls in {Seconds:F1} s, {Errors} errors)\n"
        + $"  latency {Latency}\n  {Cpu}" + (Failure is null ? string.Empty : $"\n  FAILED: {Failure}");
}

internal static class RpcScenario
{
    private const int Warmup = 0;
    private const int Measuring = 1;
    private const int Stopping = 2;

    public static async Task<RpcResult> RunAsync(Target target, RpcOptions options, CancellationToken cancellationToken)
    {
        var requests = new byte[options.InFlight][];
        for (var i = 0; i < requests.Length; i++)
        {
            requests[i] = Wire.Request(target.Dialect, options.Method, options.Params, i);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.WarmupSeconds + options.DurationSeconds + 60));
        var connections = await Connections.OpenAsync(target, options.Connections, null, deadline.Token);
        var phase = new Phase();
        var recorder = new LatencyRecorder(options.Connections);
        var perConnection = options.Rate > 0 ? options.Rate / options.Connections : 0;
        var workers = connections.Select((c, i) => new Worker(c, i, requests, Math.Max(1, options.FramesPerWrite), perConnection, phase, recorder)).ToArray();
        try
        {
            var loops = workers.Select(w => w.RunAsync(deadline.Token)).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), deadline.Token);
            var start = CpuSnapshot.Take(target.ServerPids);
            phase.Value = Measuring;
            await Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds), deadline.Token);
            phase.Value = Stopping;
            var end = CpuSnapshot.Take(target.ServerPids);

            // Replies still in flight come back; a connection that lost some is cut off by the deadline.
            if (!await Connections.WaitAllAsync(loops, TimeSpan.FromSeconds(10)))
            {
                await deadline.CancelAsync();
                await Connections.WaitAllAsync(loops, TimeSpan.FromSeconds(5));
            }

            var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
            return new RpcResult(
                target.Name, options.Connections, options.InFlight, workers.Sum(w => w.Calls), workers.Sum(w => w.Errors), seconds,
                recorder.Summarize(), start.Until(end), workers.Select(w => w.Failure).FirstOrDefault(f => f is not null),
                options.FramesPerWrite);
        }
        finally
        {
            await Connections.CloseAllAsync(connections);
        }
    }

    private sealed class Phase
    {
        private int _value;

        public int Value
        {
            get => Volatile.Read(ref _value);
            set => Volatile.Write(ref _value, value);
        }
    }

    private sealed class Worker(BenchConnection connection, int index, byte[][] requests, int framesPerWrite, double rate, Phase phase, LatencyRecorder recorder)
    {
        private readonly long[] _sentAt = new long[requests.Length];
        private readonly int[] _ready = new int[requests.Length];

        public long Calls { get; private set; }

        public long Errors { get; private set; }

        public string? Failure { get; private set; }

        public Task RunAsync(CancellationToken cancellationToken) =>
            rate > 0 ? RunPacedAsync(cancellationToken)
            : framesPerWrite == 1 ? RunOneFrameAsync(cancellationToken)
            : RunPipelinedAsync(cancellationToken);

        /// <summary>
        /// Sends call k at <c>start + k / rate</c> (several at once when the loop wakes late), each on an id whose reply
        /// has come back; its latency counts from that scheduled time. Replies are read by a loop of their own.
        /// </summary>
        private async Task RunPacedAsync(CancellationToken cancellationToken)
        {
            var free = System.Threading.Channels.Channel.CreateUnbounded<int>();
            for (var id = 0; id < requests.Length; id++)
            {
                free.Writer.TryWrite(id);
            }

            using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var receiving = ReceivePacedAsync(free.Writer, reading.Token);
            var start = Stopwatch.GetTimestamp();
            var ticksPerCall = Stopwatch.Frequency / rate;
            try
            {
                for (long sent = 0; phase.Value != Stopping; sent++)
                {
                    var due = start + (long)(sent * ticksPerCall);
                    var early = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (early > TimeSpan.FromMilliseconds(1))
                    {
                        await Task.Delay(early, cancellationToken);
                    }

                    var id = await free.Reader.ReadAsync(cancellationToken);
                    _sentAt[id] = due;
                    await connection.SendAsync(requests[id], cancellationToken);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (phase.Value != Stopping)
                {
                    Failure ??= ex.Message;
                }
            }

            // Every id back (its reply read) or the receive loop ended.
            for (var returned = 0; returned < requests.Length && !receiving.IsCompleted; returned++)
            {
                var back = free.Reader.ReadAsync(cancellationToken).AsTask();
                if (await Task.WhenAny(back, receiving) != back)
                {
                    break;
                }
            }

            // Nothing is left to read: the receive loop ends here, not when the connection closes.
            await reading.CancelAsync();
            await receiving;
        }

        private async Task ReceivePacedAsync(System.Threading.Channels.ChannelWriter<int> free, CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    if (await connection.ReceiveAsync(cancellationToken) is not { } message)
                    {
                        if (phase.Value != Stopping)
                        {
                            Failure ??= "the server closed the connection";
                        }

                        return;
                    }

                    var ready = Collect(message.Span, 0);
                    for (var i = 0; i < ready; i++)
                    {
                        free.TryWrite(_ready[i]);
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (phase.Value != Stopping)
                {
                    Failure ??= ex.Message;
                }
            }
        }

        private async Task RunOneFrameAsync(CancellationToken cancellationToken)
        {
            var inFlight = 0;
            try
            {
                for (var id = 0; id < requests.Length; id++)
                {
                    _sentAt[id] = Stopwatch.GetTimestamp();
                    await connection.SendAsync(requests[id], cancellationToken);
                    inFlight++;
                }

                while (inFlight > 0)
                {
                    if (await connection.ReceiveAsync(cancellationToken) is not { } message)
                    {
                        Failure ??= "the server closed the connection";
                        return;
                    }

                    var ready = Collect(message.Span, 0);
                    inFlight -= ready;
                    if (phase.Value == Stopping)
                    {
                        continue;
                    }

                    for (var i = 0; i < ready; i++)
                    {
                        var id = _ready[i];
                        _sentAt[id] = Stopwatch.GetTimestamp();
                        await connection.SendAsync(requests[id], cancellationToken);
                        inFlight++;
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (phase.Value != Stopping)
                {
                    Failure ??= ex.Message;
                }
            }
        }

        private async Task RunPipelinedAsync(CancellationToken cancellationToken)
        {
            var inFlight = 0;
            try
            {
                for (var id = 0; id < requests.Length; id++)
                {
                    _ready[id] = id;
                }

                inFlight += await SendReadyAsync(requests.Length, cancellationToken);
                while (inFlight > 0)
                {
                    // Every reply already read off the socket, then the next calls for all of them together.
                    var ready = 0;
                    do
                    {
                        if (await connection.ReceiveAsync(cancellationToken) is not { } message)
                        {
                            Failure ??= "the server closed the connection";
                            return;
                        }

                        ready += Collect(message.Span, ready);
                    }
                    while (connection.HasBufferedMessage);

                    inFlight -= ready;
                    if (phase.Value != Stopping)
                    {
                        inFlight += await SendReadyAsync(ready, cancellationToken);
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (phase.Value != Stopping)
                {
                    Failure ??= ex.Message;
                }
            }
        }

        /// <summary>Sends the calls listed in <see cref="_ready"/>, up to <c>framesPerWrite</c> frames per write.</summary>
        private async ValueTask<int> SendReadyAsync(int ready, CancellationToken cancellationToken)
        {
            var now = Stopwatch.GetTimestamp();
            for (var i = 0; i < ready; i++)
            {
                _sentAt[_ready[i]] = now;
            }

            for (var sent = 0; sent < ready; sent += framesPerWrite)
            {
                await connection.SendManyAsync(requests, _ready.AsMemory(sent, Math.Min(framesPerWrite, ready - sent)), cancellationToken);
            }

            return ready;
        }

        /// <summary>Finds the replies in one message, records their latency, and lists their ids in <see cref="_ready"/> from <paramref name="at"/>.</summary>
        private int Collect(ReadOnlySpan<byte> message, int at)
        {
            var now = Stopwatch.GetTimestamp();
            var measuring = phase.Value == Measuring;
            var ready = 0;
            var records = new RecordReader(connection.Dialect, message);
            while (records.TryNext(out var record))
            {
                var kind = Wire.Classify(connection.Dialect, record, out var id);
                if (kind is not (RecordKind.Reply or RecordKind.Error) || (uint)id >= (uint)_sentAt.Length)
                {
                    continue;
                }

                if (kind == RecordKind.Error)
                {
                    Errors++;
                }

                if (measuring)
                {
                    Calls++;
                    recorder.Record(index, now - _sentAt[id]);
                }

                _ready[at + ready++] = id;
            }

            return ready;
        }
    }
}
