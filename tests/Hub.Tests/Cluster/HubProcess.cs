using System.Diagnostics;
using System.Text.RegularExpressions;
using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>
/// A hub node in a process of its own, configured only through the HUB_* environment variables the compose file
/// and scripts/cluster.sh pass, so a test can kill it the way a crash would.
/// </summary>
public sealed partial class HubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubProcess(Process process) => _process = process;

    public Uri WebSocketUri { get; private set; } = null!;

    /// <summary>Starts <c>Hub.Host.dll</c> (built beside the tests) joining <paramref name="seed"/>, with <paramref name="extraArguments"/>.</summary>
    public static Task<HubProcess> StartAsync(string seed, params string[] extraArguments) => StartAsync(seed, openFilesLimit: null, extraArguments);

    /// <summary>
    /// Starts <c>Hub.Host.dll</c> joining <paramref name="seed"/> (empty: a cluster of its own), under
    /// <paramref name="openFilesLimit"/> (its <c>RLIMIT_NOFILE</c>, set with util-linux's <c>prlimit</c>) when given.
    /// </summary>
    public static async Task<HubProcess> StartAsync(string seed, int? openFilesLimit, params string[] extraArguments)
    {
        var info = new ProcessStartInfo(openFilesLimit is null ? "dotnet" : "prlimit")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (openFilesLimit is { } limit)
        {
            info.ArgumentList.Add(FormattableString.Invariant($"--nofile={limit}:{limit}"));
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Hub.Host.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var argument in extraArguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["HUB_HOSTNAME"] = "127.0.0.1";
        info.Environment["HUB_PUBLIC_HOSTNAME"] = "127.0.0.1";
        info.Environment["HUB_PORT"] = "0";
        info.Environment["HUB_SEEDS"] = seed;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";

        var hub = new HubProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
        hub._process.OutputDataReceived += (_, e) => hub.OnOutput(e.Data);
        hub._process.ErrorDataReceived += (_, e) => hub.OnOutput(e.Data);
        hub._process.BeginOutputReadLine();
        hub._process.BeginErrorReadLine();
        Uri http;
        try
        {
            http = await hub._listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            // A node that never said where it listens is not left running behind the failed test.
            await hub.DisposeAsync();
            throw;
        }

        hub.WebSocketUri = new Uri($"ws://{http.Authority}/rpc");
        return hub;
    }

    /// <summary>The process's id (prlimit runs the hub in its own process: it execs it).</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to its standard output and error so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Ends the process at once, as a crash would: no drain, no leaving the cluster.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits up to <paramref name="timeout"/> for the process to end by itself, and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> does: the node drains and leaves the cluster.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start");
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        await _process.WaitForExitAsync().WaitAsync(Waits.Max);
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    private void OnOutput(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line is not null && ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }
}
