using System.Diagnostics;
using Hub.Bench.Load;

namespace Hub.Bench;

/// <summary>
/// A server the bench starts itself: the hub or a baseline, as <c>dotnet X.dll --urls http://127.0.0.1:0</c> from the same
/// build configuration as the bench, found by its "Now listening on:" line; killed with its process tree on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    public static readonly string[] Kinds = ["hub", "raw", "signalr", "echo"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private ServerProcess(string kind, Process process)
    {
        Kind = kind;
        _process = process;
    }

    public string Kind { get; }

    public int Pid => _process.Id;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Null while the server runs; otherwise its exit code and last lines of output.</summary>
    public string? Exited => _process.HasExited ? $"{Kind} exited with code {_process.ExitCode}:\n{Tail()}" : null;

    public Target Target => Target.Single(Kind, DialectOf(Kind), new Uri($"ws://{BaseUri.Authority}{Wire.PathOf(DialectOf(Kind))}"), Pid);

    public static WireDialect DialectOf(string kind) => kind switch
    {
        "signalr" => WireDialect.SignalR,
        "echo" => WireDialect.Echo,
        _ => WireDialect.JsonRpc,
    };

    /// <summary>Starts <paramref name="kind"/> (hub, raw, signalr, echo) with <paramref name="extraArgs"/> and waits until it serves.</summary>
    public static async Task<ServerProcess> StartAsync(
        string kind, IReadOnlyList<string> extraArgs, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var dll = Locate(kind);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in (string[])["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information"])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var arg in extraArgs)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(kind, process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data, listening);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, listening);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"{kind} exited while starting:\n{server.Tail()}"));
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {kind}");
        }

        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            server.BaseUri = await listening.Task.WaitAsync(StartTimeout, cancellationToken);
            if (kind.StartsWith("hub", StringComparison.Ordinal))
            {
                await server.WaitUntilReadyAsync(cancellationToken);
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The repository root: the nearest folder above the bench's binaries holding Hub.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Hub.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Hub.sln not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"warning: {Kind} (pid {Pid}) did not stop: {ex.Message}");
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string Locate(string kind)
    {
        // Another build of the hub, to compare two versions in one run: HUB_BENCH_BASE names the folder of its Hub.Host.dll.
        if (kind == "hub-base")
        {
            var folder = Environment.GetEnvironmentVariable("HUB_BENCH_BASE")
                ?? throw new ArgumentException("target 'hub-base' needs HUB_BENCH_BASE: the folder of another build's Hub.Host.dll", nameof(kind));
            return Path.Combine(folder, "Hub.Host.dll");
        }

        // The same configuration the bench was built in: .../bin/<Configuration>/<tfm>/
        var tfmFolder = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = tfmFolder.Parent?.Name ?? "Release";
        var tfm = tfmFolder.Name;
        var (project, name) = kind switch
        {
            "hub" => ("src/Hub.Host", "Hub.Host"),
            "raw" => ("bench/Baselines/RawJsonRpcServer", "RawJsonRpcServer"),
            "signalr" => ("bench/Baselines/SignalRServer", "SignalRServer"),
            "echo" => ("bench/Baselines/EchoServer", "EchoServer"),
            _ => throw new ArgumentException($"unknown server '{kind}' (hub, raw, signalr, echo)", nameof(kind)),
        };
        var dll = Path.Combine(RepositoryRoot(), project, "bin", configuration, tfm, name + ".dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"{dll} is not built: dotnet build -c {configuration} Hub.sln", dll);
    }

    private void OnLine(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }

        const string Marker = "Now listening on: ";
        var at = line.IndexOf(Marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            listening.TrySetResult(new Uri(line[(at + Marker.Length)..].Trim()));
        }
    }

    private string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < StartTimeout)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            // Readiness has no push signal over HTTP: poll, bounded by the start timeout.
            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{Kind} was not ready within {StartTimeout.TotalSeconds} s:\n{Tail()}");
    }
}
