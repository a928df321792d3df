using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Hub.Bench.Load;

/// <summary>
/// <paramref name="Clients"/> connections each sending one message of <paramref name="MessageBytes"/> (a <c>ping</c>
/// padded with an ignored member) in frames of <paramref name="ChunkBytes"/> every <paramref name="IntervalMs"/>, and
/// starting again on a new connection whenever the server closes one; meanwhile a separate client calls <c>ping</c>
/// every <paramref name="ProbeIntervalMs"/>, and the server's VmRSS is read every second.
/// </summary>
internal sealed record TrickleOptions(
    int Clients, int MessageBytes, int ChunkBytes, int IntervalMs, double DurationSeconds, int ProbeIntervalMs = 200, double ProbeTimeoutSeconds = 5);

internal sealed record TrickleResult(
    string Target, TrickleOptions Options, long ResidentBefore, long ResidentMax, double ResidentMaxAtSeconds, long ResidentEnd,
    int Connected, int ConnectFailures, long Completed, IReadOnlyDictionary<string, int> Ends, long ProbeAnswered, long ProbeFailed,
    LatencySummary ProbeLatency, IReadOnlyList<(double Seconds, long Resident)> Samples)
{
    public override string ToString()
    {
        var o = Options;
        var perSecond = o.ChunkBytes * 1000.0 / o.IntervalMs;
        var series = string.Join(", ", Samples.Where((_, i) => i % 10 == 0).Select(s => $"{s.Seconds:F0}s {s.Resident / 1048576.0:F0}"));
        return $"trickle {Target}: {o.Clients:N0} clients each trickling a {o.MessageBytes / 1024.0:N0} KiB message "
            + $"({o.ChunkBytes:N0} B every {o.IntervalMs} ms, {perSecond / 1024:F1} KiB/s each) for {o.DurationSeconds:F0} s\n"
            + (ResidentMax == 0
                ? "  server VmRSS unreadable (pass --pid with --url)\n"
                : $"  server VmRSS: before {Mib(ResidentBefore)} MiB, max {Mib(ResidentMax)} MiB (at {ResidentMaxAtSeconds:F0} s), end {Mib(ResidentEnd)} MiB\n"
                    + $"  VmRSS MiB every 10 s: {series}\n")
            + $"  tricklers: {Connected:N0} connections opened ({ConnectFailures} failed), {Completed:N0} messages answered; "
            + $"ended by the server: {(Ends.Count == 0 ? "none" : string.Join(", ", Ends.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} x{e.Value:N0}")))}\n"
            + $"  probe ping every {o.ProbeIntervalMs} ms from another client: {ProbeAnswered:N0} answered, {ProbeFailed:N0} failed (none within {o.ProbeTimeoutSeconds:F0} s); latency {ProbeLatency}";
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
}

internal static class TrickleScenario
{
    public static async Task<TrickleResult> RunAsync(Target target, TrickleOptions options, CancellationToken cancellationToken)
    {
        if (target.Dialect != WireDialect.JsonRpc)
        {
            throw new ArgumentException("trickle speaks JSON-RPC only (hub or raw)", nameof(target));
        }

        var uri = target.Endpoints[0];
        var pid = target.ServerPids.Count > 0 ? target.ServerPids[0] : 0;
        var state = new State();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var before = Resident(pid);
        var started = Stopwatch.GetTimestamp();
        var sampling = SampleAsync(pid, started, state, stop.Token);
        var probe = ProbeAsync(uri, options, state, stop.Token);
        var tricklers = Enumerable.Range(0, options.Clients).Select(i => TrickleAsync(uri, options, i, state, stop.Token)).ToArray();

        try
        {
            await Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds), cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([.. tricklers, probe, sampling]).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None)
                .ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var end = Resident(pid);
        var max = state.Samples.IsEmpty ? (Seconds: 0.0, Resident: 0L) : state.Samples.MaxBy(s => s.Resident);
        return new TrickleResult(
            target.Name, options, before, Math.Max(max.Resident, end), max.Seconds, end, state.Connected, state.ConnectFailures,
            state.Ends.GetValueOrDefault("answered"), new Dictionary<string, int>(state.Ends, StringComparer.Ordinal), state.ProbeAnswered, state.ProbeFailed,
            state.Probe.Summarize(), [.. state.Samples]);
    }

    private static long Resident(int pid) => pid == 0 ? 0 : ProcessStats.ResidentBytes(pid);

    private static async Task SampleAsync(int pid, long started, State state, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                state.Samples.Enqueue((Stopwatch.GetElapsedTime(started).TotalSeconds, Resident(pid)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One trickling client: a message at a time, a new connection whenever the server ends one.</summary>
    private static async Task TrickleAsync(Uri uri, TrickleOptions options, int index, State state, CancellationToken cancellationToken)
    {
        var head = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + index + ",\"pad\":\"");
        var tail = "\"}"u8.ToArray();
        var pad = Encoding.UTF8.GetBytes(new string('x', options.ChunkBytes));
        try
        {
            // Spread the clients' sends over the interval, and their connects over the first seconds.
            await Task.Delay(Random.Shared.Next(options.IntervalMs + (index / 100 * 100)), cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var socket = new ClientWebSocket();
                try
                {
                    await socket.ConnectAsync(uri, cancellationToken);
                    Interlocked.Increment(ref state.Connected);
                }
                catch (Exception ex) when (ex is WebSocketException or HttpRequestException)
                {
                    Interlocked.Increment(ref state.ConnectFailures);
                    await Task.Delay(1000, cancellationToken);
                    continue;
                }

                var ended = ReceiveAsync(socket);
                var end = await SendMessageAsync(socket, head, pad, tail, options, ended, cancellationToken);
                state.Count(end);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Sends one message in chunks; how the connection ended: "answered", or the server's close code.</summary>
    private static async Task<string> SendMessageAsync(
        ClientWebSocket socket, byte[] head, byte[] pad, byte[] tail, TrickleOptions options, Task<string> ended, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(head, WebSocketMessageType.Text, endOfMessage: false, cancellationToken);
            var sent = head.Length;
            while (sent + pad.Length + tail.Length <= options.MessageBytes)
            {
                if (await Task.WhenAny(ended, Task.Delay(options.IntervalMs, cancellationToken)) == ended)
                {
                    return await ended;
                }

                cancellationToken.ThrowIfCancellationRequested();

                // Sends may block once the server stops reading (it waits for budget): that is the back-pressure.
                await socket.SendAsync(pad, WebSocketMessageType.Text, endOfMessage: false, cancellationToken);
                sent += pad.Length;
            }

            await socket.SendAsync(tail, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            return await ended.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            // Mostly the server's close, which the receiver is still answering: wait for it to say which.
            return await Task.WhenAny(ended, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken)) == ended
                ? await ended
                : "send failed: " + ex.GetBaseException().Message;
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested || !ended.IsCompleted)
            {
                socket.Abort();
            }
        }
    }

    /// <summary>Until the reply or the server's close: "answered", "close 1008" and so on.</summary>
    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // The answering close may wait behind a send the server no longer reads, until the server aborts.
                    _ = socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None)
                        .ContinueWith(_ => { }, TaskScheduler.Default);
                    return "close " + (int?)socket.CloseStatus;
                }

                if (result.EndOfMessage)
                {
                    _ = socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None)
                        .ContinueWith(_ => { }, TaskScheduler.Default);
                    return "answered";
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return "dropped";
        }
    }

    /// <summary>A ping now and then on a connection of its own, each waited for at most the probe timeout.</summary>
    private static async Task ProbeAsync(Uri uri, TrickleOptions options, State state, CancellationToken cancellationToken)
    {
        ClientWebSocket? socket = null;
        var buffer = new byte[256];
        var id = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.ProbeIntervalMs));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(options.ProbeTimeoutSeconds));
                try
                {
                    if (socket is null)
                    {
                        socket = new ClientWebSocket();
                        await socket.ConnectAsync(uri, timeout.Token);
                    }

                    var sentAt = Stopwatch.GetTimestamp();
                    await socket.SendAsync(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + ++id + "}"), WebSocketMessageType.Text, true, timeout.Token);
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        throw new WebSocketException("the server closed the probe");
                    }

                    state.Probe.Record(0, Stopwatch.GetTimestamp() - sentAt);
                    Interlocked.Increment(ref state.ProbeAnswered);
                }
                catch (Exception ex) when (ex is WebSocketException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // No answer in time: count it, and start over on a new connection (the old one may hold a late reply).
                    Interlocked.Increment(ref state.ProbeFailed);
                    socket?.Abort();
                    socket?.Dispose();
                    socket = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            socket?.Abort();
            socket?.Dispose();
        }
    }

    private sealed class State
    {
        public int Connected;
        public int ConnectFailures;
        public long ProbeAnswered;
        public long ProbeFailed;

        public ConcurrentDictionary<string, int> Ends { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<(double Seconds, long Resident)> Samples { get; } = new();

        public LatencyRecorder Probe { get; } = new(1);

        public void Count(string end) => Ends.AddOrUpdate(end, 1, (_, n) => n + 1);
    }
}
