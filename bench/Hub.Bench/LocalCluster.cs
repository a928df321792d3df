using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hub.Bench.Load;

namespace Hub.Bench;

/// <summary>
/// Nodes started with <c>scripts/cluster.sh up N BASE CLUSTER_BASE</c> on free ports, as a <see cref="Target"/> with one
/// endpoint and one pid per node; disposing stops them with <c>scripts/cluster.sh down</c> (logs stay in .cluster/).
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly string _root;
    private readonly Dictionary<string, string> _environment;

    private LocalCluster(string root, Dictionary<string, string> environment, Target target)
    {
        _root = root;
        _environment = environment;
        Target = target;
    }

    public Target Target { get; }

    /// <summary>node i's log (from 1), written by the node's console logger.</summary>
    public string LogPath(int node) => Path.Combine(_root, ".cluster", $"node{node}.log");

    /// <summary>
    /// Starts <paramref name="nodes"/> nodes; null (the reason printed, the nodes stopped) when they did not all
    /// become ready. <c>--server-env</c> reaches the nodes; <c>--skip-build</c> passes <c>HUB_CLUSTER_SKIP_BUILD=1</c>.
    /// </summary>
    public static async Task<LocalCluster?> StartAsync(
        int nodes, BenchOptions options, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? switches = null)
    {
        var root = ServerProcess.RepositoryRoot();
        var (httpBase, clusterBase) = FreePortRanges(nodes);
        // The nodes inherit the script's environment: --server-env reaches them too; switches are the script's own
        // (HUB_CLUSTER_NODE<i>_<NAME>: one node's environment).
        var environment = new Dictionary<string, string>(Scenarios.ServerEnvironment(options));
        foreach (var (name, value) in switches ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        if (options.Flag("skip-build"))
        {
            environment["HUB_CLUSTER_SKIP_BUILD"] = "1";
        }

        Console.WriteLine($"--- cluster: scripts/cluster.sh up {nodes} {httpBase} {clusterBase}");
        var up = await ScriptAsync(root, environment, TimeSpan.FromMinutes(4), cancellationToken, "up", nodes.ToString(CultureInfo.InvariantCulture),
            httpBase.ToString(CultureInfo.InvariantCulture), clusterBase.ToString(CultureInfo.InvariantCulture));
        Console.WriteLine(up.Output);
        var endpoints = Enumerable.Range(0, nodes).Select(i => new Uri($"ws://127.0.0.1:{httpBase + i}/rpc")).ToArray();
        var pids = up.ExitCode == 0 ? ReadPids(root, nodes) : null;
        var cluster = new LocalCluster(root, environment, new Target("hub-cluster", WireDialect.JsonRpc, endpoints, pids ?? []));
        if (pids is null)
        {
            Console.WriteLine(up.ExitCode == 0 ? "FAILED: the nodes' pid files could not be read" : "FAILED: the cluster did not start");
            await cluster.DisposeAsync();
            return null;
        }

        return cluster;
    }

    /// <summary>
    /// Waits (30 s at most) until node <paramref name="node"/> (from 0) answers <paramref name="method"/> without an
    /// error: a method served only on other nodes is known once the cluster's method directory reaches it.
    /// </summary>
    public async Task WaitUntilServedAsync(int node, string method, CancellationToken cancellationToken)
    {
        var endpoint = Target.Endpoints[node];
        using var http = new HttpClient { BaseAddress = new Uri($"http://{endpoint.Authority}"), Timeout = TimeSpan.FromSeconds(5) };
        var call = $"{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\",\"id\":1}}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var content = new StringContent(call, System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(endpoint.AbsolutePath, content, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Contains("\"result\"", StringComparison.Ordinal))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"node {node + 1} did not serve {method} within 30 s: {body}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var down = await ScriptAsync(_root, _environment, TimeSpan.FromMinutes(1), CancellationToken.None, "down");
        Console.WriteLine(down.Output.Trim());
    }

    private static int[]? ReadPids(string root, int nodes)
    {
        try
        {
            return Enumerable.Range(1, nodes)
                .Select(i => int.Parse(File.ReadAllText(Path.Combine(root, ".cluster", $"node{i}.pid")).Trim(), CultureInfo.InvariantCulture))
                .ToArray();
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Two runs of <paramref name="nodes"/> free consecutive ports: HTTP, and the cluster transport.</summary>
    private static (int Http, int Cluster) FreePortRanges(int nodes)
    {
        var first = -1;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = FreePort();
            if (candidate + nodes >= 65535 || !Enumerable.Range(candidate, nodes).All(IsFree))
            {
                continue;
            }

            if (first < 0)
            {
                first = candidate;
            }
            else if (candidate >= first + nodes || candidate + nodes <= first)
            {
                return (first, candidate);
            }
        }

        throw new InvalidOperationException("no free port ranges for the cluster");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<(int ExitCode, string Output)> ScriptAsync(
        string root, Dictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken, params string[] args)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(root, "scripts", "cluster.sh"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bash");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }
}
