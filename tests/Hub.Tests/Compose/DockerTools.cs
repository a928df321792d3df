using System.Diagnostics;

namespace Hub.Tests.Compose;

/// <summary>The docker and compose command lines, and whether they can run here at all.</summary>
public static class DockerTools
{
    private static readonly Lazy<(string[]? Compose, string? Unavailable)> Probe = new(ProbeTools);

    /// <summary>The compose command: <c>docker-compose</c> (1.29 or later) or <c>docker compose</c> (the plugin).</summary>
    public static string[] Compose => Probe.Value.Compose ?? throw new InvalidOperationException(Unavailable);

    /// <summary>Why Docker cannot run here, or null when it can.</summary>
    public static string? Unavailable => Probe.Value.Unavailable;

    private static (string[]? Compose, string? Unavailable) ProbeTools()
    {
        var info = Run("docker", ["info", "--format", "{{.ServerVersion}}"]);
        if (info is null)
        {
            return (null, "Docker cannot run here: no docker command (scripts/test.sh installs docker.io and starts dockerd as root with apt).");
        }

        if (info.Value.ExitCode != 0)
        {
            var said = info.Value.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no output";
            return (null, $"Docker cannot run here: no Docker engine answers ({said}); scripts/test.sh starts one as root.");
        }

        if (Run("docker-compose", ["version", "--short"]) is { ExitCode: 0 })
        {
            return (["docker-compose"], null);
        }

        if (Run("docker", ["compose", "version", "--short"]) is { ExitCode: 0 })
        {
            return (["docker", "compose"], null);
        }

        return (null, "Docker cannot run here: neither docker-compose nor the compose plugin is installed (scripts/test.sh installs docker-compose as root with apt).");
    }

    /// <summary>Runs a short command; null when it cannot start.</summary>
    private static (int ExitCode, string Output)? Run(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "timed out after 30 s");
            }

            return (process.ExitCode, output.Result + error.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
