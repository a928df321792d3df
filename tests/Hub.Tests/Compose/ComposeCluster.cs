using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Tests.Support;

namespace Hub.Tests.Compose;

/// <summary>
/// docker-compose.yml brought up for real: <c>up -d --build</c> of the three hubs and the balancer under a compose
/// project of its own (a unique name, so nothing collides), the balancer published on 127.0.0.1 at a free port, and
/// <c>down -v</c> plus removal of the hub image it built at the end, whatever happened. The base images come from
/// HUB_DOTNET_IMAGES and HUB_LB_IMAGE when set (scripts/compose-test.sh builds them here), else the official ones.
/// </summary>
public sealed partial class ComposeCluster : IAsyncLifetime
{
    /// <summary>The hub services of docker-compose.yml.</summary>
    public static readonly string[] Hubs = ["hub1", "hub2", "hub3"];

    /// <summary>How long a node may take to become healthy (start, join, /readyz, the 5 s health check interval).</summary>
    public static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan BuildWithin = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan CommandWithin = TimeSpan.FromMinutes(2);
    private readonly Dictionary<string, string> _containers = new(StringComparer.Ordinal);
    private readonly string _root = RepositoryRoot.Path;
    private bool _started;

    /// <summary>The compose project name: <c>hubtest</c> and a random suffix.</summary>
    public string Project { get; } = "hubtest" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>The hub image this project builds, removed at the end.</summary>
    public string Image => $"hub-compose-test-{Project}:local";

    /// <summary>The balancer's port on 127.0.0.1.</summary>
    public int Port { get; } = FreePort();

    /// <summary>The balancer's WebSocket endpoint.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/rpc");

    /// <summary>The balancer's HTTP base address.</summary>
    public Uri HttpUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>How long <c>up -d --build</c> took, images included.</summary>
    public TimeSpan UpTook { get; private set; }

    public async Task InitializeAsync()
    {
        if (DockerTools.Unavailable is not null)
        {
            return;
        }

        _started = true;
        var watch = Stopwatch.StartNew();
        await ComposeAsync(BuildWithin, "up", "-d", "--build");
        await WaitUntilAsync(async () => await AllHealthyAsync(), HealthyWithin, "every hub healthy after up");
        await WaitUntilClusterWholeAsync();
        await WaitUntilAsync(async () => await BalancerReadyAsync(), HealthyWithin, "the balancer answering /readyz with 200");
        UpTook = watch.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (!_started)
        {
            return;
        }

        try
        {
            await ComposeAsync(CommandWithin, "down", "-v", "--remove-orphans", "-t", "5");
        }
        finally
        {
            await RunAsync("docker", ["image", "rm", "-f", Image], CommandWithin, check: false);
        }
    }

    /// <summary>Runs the compose command on this project; fails the test with its output when it fails.</summary>
    public Task<string> ComposeAsync(params string[] arguments) => ComposeAsync(CommandWithin, arguments);

    /// <summary>The container id of <paramref name="service"/> (it stays the same across stop, kill and start).</summary>
    public async Task<string> ContainerAsync(string service)
    {
        if (!_containers.TryGetValue(service, out var id))
        {
            id = (await ComposeAsync("ps", "-q", service)).Trim();
            Assert.False(string.IsNullOrEmpty(id), $"No container for {service}.");
            _containers[service] = id;
        }

        return id;
    }

    /// <summary>Runs the docker command; fails the test with its output when it fails.</summary>
    public async Task<string> DockerAsync(params string[] arguments) => (await RunAsync("docker", arguments, CommandWithin, check: true)).Output;

    /// <summary><c>running healthy</c>, <c>running starting</c>, <c>exited</c>, ... for a service's container.</summary>
    public async Task<string> StateAsync(string service) =>
        (await DockerAsync("inspect", "-f", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", await ContainerAsync(service))).Trim();

    public async Task<bool> AllHealthyAsync()
    {
        foreach (var hub in Hubs)
        {
            if (await StateAsync(hub) != "running healthy")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A node's own metrics (GET /metrics inside its container), or null when it does not answer.</summary>
    public async Task<NodeMetrics?> MetricsAsync(string service)
    {
        const string Request = "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /metrics HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && cat <&3";
        var result = await RunAsync("docker", ["exec", await ContainerAsync(service), "bash", "-c", Request], CommandWithin, check: false);
        if (result.ExitCode != 0 || !result.Output.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
        {
            return null;
        }

        return new NodeMetrics(
            Gauge(result.Output, "hub_cluster_members"),
            Gauge(result.Output, "hub_cluster_members_unreachable"),
            Gauge(result.Output, "hub_connections_active", "transport=\"ws\""));
    }

    /// <summary>Waits until every hub is healthy and sees all three as Up members and none unreachable: one cluster.</summary>
    public async Task WaitUntilClusterWholeAsync()
    {
        await WaitUntilAsync(async () => await AllHealthyAsync(), HealthyWithin, "every hub healthy");
        await WaitUntilAsync(
            async () =>
            {
                foreach (var hub in Hubs)
                {
                    if (await MetricsAsync(hub) is not { Members: 3, Unreachable: 0 })
                    {
                        return false;
                    }
                }

                return true;
            },
            HealthyWithin,
            "every hub seeing 3 Up members and none unreachable");
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms for up to <paramref name="within"/>; fails with the containers' state and logs.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > within)
            {
                Assert.Fail($"Not within {within.TotalSeconds:F0} s: {what}.\n{await DiagnosticsAsync()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The containers' state and the last lines of every service's log, for a failure message.</summary>
    public async Task<string> DiagnosticsAsync()
    {
        var text = new StringBuilder();
        text.AppendLine((await RunAsync(DockerTools.Compose[0], [.. DockerTools.Compose[1..], "-p", Project, "ps"], CommandWithin, check: false)).Output);
        text.AppendLine((await RunAsync(DockerTools.Compose[0], [.. DockerTools.Compose[1..], "-p", Project, "logs", "--no-color", "--tail", "40"], CommandWithin, check: false)).Output);
        return text.ToString();
    }

    private async Task<bool> BalancerReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return (await http.GetAsync(new Uri(HttpUri, "/readyz"))).StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<string> ComposeAsync(TimeSpan within, params string[] arguments) =>
        (await RunAsync(DockerTools.Compose[0], [.. DockerTools.Compose[1..], "-p", Project, .. arguments], within, check: true)).Output;

    private async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, TimeSpan within, bool check)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Compose reads these from the environment (docker-compose.yml); HUB_DOTNET_IMAGES and HUB_LB_IMAGE pass through.
        info.Environment["HUB_SIGNING_KEY"] = SigningKey;
        info.Environment["HUB_LB_PUBLISH"] = $"127.0.0.1:{Port}";
        info.Environment["HUB_IMAGE"] = Image;
        info.Environment["DOCKER_BUILDKIT"] = "0";
        info.Environment["COMPOSE_DOCKER_CLI_BUILD"] = "0";

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {within}.");
        }

        var text = await output + await error;
        if (check && process.ExitCode != 0)
        {
            Assert.Fail($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{text}");
        }

        return (process.ExitCode, text);
    }

    /// <summary>A random key for this project's nodes (compose refuses to start without one).</summary>
    private string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static int Gauge(string metrics, string name, string? label = null)
    {
        foreach (Match match in GaugeLine().Matches(metrics))
        {
            if (match.Groups["name"].Value == name && (label is null || match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                return (int)double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex GaugeLine();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
