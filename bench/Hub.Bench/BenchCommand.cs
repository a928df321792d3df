using Hub.Bench.Load;

namespace Hub.Bench;

/// <summary>Hub.Bench SCENARIO [options]: see bench/README.md.</summary>
internal static class BenchCommand
{
    private const string Usage = """
        Hub.Bench SCENARIO [options]          (dotnet run -c Release --project bench/Hub.Bench -- SCENARIO ...)

          rpc       C connections x P calls in flight      -c 32 -p 32 -d 10 -w 3 [--method ping]
          latency   one connection, one call at a time     -d 10 -w 3
          fanout    S subscribers, one publisher (<=K)     -s 1000 -k 16 -d 10 -w 3 [--payload 100 --window 32 --rate 0]
          idle      N idle connections, server memory      --max 19000 (open-files limit - 1000) --time-limit 60 --hold 2
          trickle   N clients each trickling one message, over and over; server memory, a probe's ping latency
                    --clients 1000 --message 1048576 --chunk 4096 --interval 180 -d 60 --probe-interval 200
          cluster   rpc and fanout on 3 local nodes        -s 6 --rate 10000 [--runs 3 --skip-build]
          soak      N clients calling and subscribed, publishers with sequence numbers, on 3 local nodes for D seconds;
                    counts every reply and notification, samples each node's memory and threads; exit 1 if anything is lost
                    -n 60 -d 600 --call-rate 10 -p 8 --publishers 3 --publish-rate 10 --sample 60 --drain 40 [--nodes 3 --skip-build]
                    [--payload 64 --settle 5 --mix ping=30,echo=25,add=15,sleep=10,get_subscriptions=10,subscribe=5,computer_says_no=5]
          client    Hub.Client against the hub beside the SignalR client against the SignalR baseline, per shape
                    (clients x callers each awaiting its ping): calls/s, B allocated/call, client and server cpu µs/call
                    [--runs 3 -d 5 -w 2 --shapes 1x1,1x64,16x16 --clients hub,signalr --out FILE]
          micro     BenchmarkDotNet over the hub codec     [--short] [BenchmarkDotNet args, e.g. --filter *Parse*]
          compare   every scenario against hub, raw, signalr, echo; medians and ratios
                    [--runs 3 --scenarios rpc,latency,fanout,idle --targets hub,raw,signalr,echo --out FILE]
          all       compare, then cluster

        Target of rpc/latency/fanout/idle/trickle: --target hub|raw|signalr|echo (started by the bench; default hub), or
        --url ws://127.0.0.1:PORT/rpc [--dialect jsonrpc|signalr|echo] [--pid SERVER_PID] for a server already running.
        Extra server arguments: --hub-args="--Hub:Engine:max-in-flight=1024" (likewise --raw-args, --signalr-args, --echo-args);
        environment of every server started: --server-env=DOTNET_gcServer=0,DOTNET_TieredPGO=0.
        Client: --client raw (a minimal WebSocket client on a bare socket, the default) or managed (ClientWebSocket).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var options = new BenchOptions(args.Skip(1), args[0]);
        BenchConnection.UseClientWebSocket = options.String("client", "raw") == "managed";
        try
        {
            return args[0] switch
            {
                "micro" => Micro.CodecBenchmarks.Run(options),
                "compare" => await Compare.RunAsync(options, includeCluster: false, cancel.Token),
                "all" => await Compare.RunAsync(options, includeCluster: true, cancel.Token),
                "cluster" => await ClusterBench.RunAsync(options, cancel.Token) is null ? 1 : 0,
                "soak" => await SoakBench.RunAsync(options, cancel.Token),
                "client" => await Clients.ClientBench.RunAsync(options, cancel.Token),
                var scenario when Scenarios.Names.Contains(scenario) => await RunOneAsync(scenario, options, cancel.Token),
                var other => Fail($"unknown scenario '{other}'\n\n{Usage}"),
            };
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return Fail("cancelled");
        }
    }

    private static async Task<int> RunOneAsync(string scenario, BenchOptions options, CancellationToken cancellationToken)
    {
        Console.WriteLine(Machine.Describe());
        if (options.String("url") is { } url)
        {
            var dialect = options.String("dialect", "jsonrpc") switch
            {
                "signalr" => WireDialect.SignalR,
                "echo" => WireDialect.Echo,
                _ => WireDialect.JsonRpc,
            };
            int? pid = options.Has("pid") ? options.Int("pid", 0) : null;
            var target = Target.Single(options.String("name", "server"), dialect, new Uri(url), pid);
            Console.WriteLine(await Scenarios.RunAsync(scenario, target, options, cancellationToken));
            return 0;
        }

        var kind = options.String("target", "hub");
        await using var server = await ServerProcess.StartAsync(kind, Scenarios.ServerArgs(options, kind), Scenarios.ServerEnvironment(options), cancellationToken);
        Console.WriteLine($"{kind}: pid {server.Pid}, {server.Target.Endpoints[0]}");
        Console.WriteLine(await Scenarios.RunAsync(scenario, server.Target, options, cancellationToken));
        if (server.Exited is { } exited)
        {
            return Fail("FAILED: " + exited);
        }

        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
