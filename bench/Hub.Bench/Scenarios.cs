using Hub.Bench.Load;

namespace Hub.Bench;

/// <summary>The end-to-end scenarios with their defaults, run against one target.</summary>
internal static class Scenarios
{
    public static readonly string[] Names = ["rpc", "latency", "fanout", "idle", "trickle"];

    public static RpcOptions Rpc(BenchOptions o) =>
        new(o.Int("connections", 32), o.Int("in-flight", 32), o.Double("duration", 10), o.Double("warmup", 3), o.String("method", "ping"),
            FramesPerWrite: o.Int("frames-per-write", 1), Rate: o.Double("rpc-rate", 0));

    public static RpcOptions Latency(BenchOptions o) =>
        new(o.Int("connections", 1), o.Int("in-flight", 1), o.Double("duration", 10), o.Double("warmup", 3), o.String("method", "ping"));

    public static FanoutOptions Fanout(BenchOptions o) =>
        new(o.Int("subscribers", 1000), o.Int("publishes-in-flight", 16), o.Double("duration", 10), o.Double("warmup", 3),
            o.Int("payload", 100), o.Int("window", 32), o.Double("rate", 0), o.Double("drain", 5),
            Publishers: o.Int("publishers", o.Int("publishes-in-flight", 16)));

    /// <summary>
    /// Idle defaults to 1,000 under the open-files limit (20,000 here, for the load generator and each server alike):
    /// at the limit itself the servers misbehave (the hub's memory climbs until it aborts), which is not what idle measures.
    /// Ask for more with --max to find where a server breaks.
    /// </summary>
    public static IdleOptions Idle(BenchOptions o) =>
        new(o.Int("max", (int)Math.Min(20_000, ProcessStats.OpenFilesLimit() - 1_000)), o.Double("time-limit", 60), o.Double("hold", 2));

    /// <summary>
    /// 1,000 clients each trickling a 1 MiB message at 4 KiB every 180 ms (about 22 KiB/s, 46 s a message: longer than
    /// the hub's default assembly time limit of 30 s), for 60 s, a probe ping every 200 ms.
    /// </summary>
    public static TrickleOptions Trickle(BenchOptions o) =>
        new(o.Int("clients", 1000), o.Int("message", 1024 * 1024), o.Int("chunk", 4096), o.Int("interval", 180), o.Double("duration", 60),
            o.Int("probe-interval", 200));

    /// <summary>The soak's options: <c>-n 60 -d 600 --call-rate 10 -p 8 --publishers 3 --publish-rate 10 --sample 60 --drain 40 --payload 64 --settle 5 [--mix ping=30,...]</c>.</summary>
    public static SoakOptions Soak(BenchOptions o) =>
        new(o.Int("clients", 60), o.Double("duration", 600), o.Double("call-rate", 10), o.Int("in-flight", 8), o.Int("publishers", 3),
            o.Double("publish-rate", 10), o.Double("sample", 60), o.Double("drain", 40), o.Int("payload", 64),
            o.String("mix") is { } mix ? SoakCalls.ParseMix(mix) : null, SettleSeconds: o.Double("settle", 5));

    /// <summary>Whether a scenario applies to a server kind: an echo server has no pub/sub.</summary>
    public static bool Applies(string scenario, string kind) => !(scenario == "fanout" && kind == "echo");

    public static async Task<object> RunAsync(string scenario, Target target, BenchOptions o, CancellationToken cancellationToken) => scenario switch
    {
        "rpc" => await RpcScenario.RunAsync(target, Rpc(o), cancellationToken),
        "latency" => await RpcScenario.RunAsync(target, Latency(o), cancellationToken),
        "fanout" => await FanoutScenario.RunAsync(target, Fanout(o), cancellationToken),
        "idle" => await IdleScenario.RunAsync(target, Idle(o), cancellationToken),
        "trickle" => await TrickleScenario.RunAsync(target, Trickle(o), cancellationToken),
        _ => throw new ArgumentException($"unknown scenario '{scenario}'", nameof(scenario)),
    };

    /// <summary>Extra arguments for a server the bench starts: <c>--hub-args="--Hub:Engine:max-in-flight=1024 ..."</c> for the hub.</summary>
    public static IReadOnlyList<string> ServerArgs(BenchOptions o, string kind) =>
        o.String(kind + "-args") is { } text ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>Environment for every server the bench starts: <c>--server-env=DOTNET_gcServer=0,DOTNET_TieredPGO=0</c>.</summary>
    public static IReadOnlyDictionary<string, string> ServerEnvironment(BenchOptions o) =>
        (o.String("server-env") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : string.Empty, StringComparer.Ordinal);
}
