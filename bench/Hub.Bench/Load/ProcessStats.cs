using System.Diagnostics;
using System.Globalization;

namespace Hub.Bench.Load;

/// <summary>CPU time, resident memory, threads and open files of a process, read from /proc (Linux).</summary>
internal static class ProcessStats
{
    /// <summary>USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux the bench runs on.</summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>User plus system CPU time of <paramref name="pid"/> (this process through <see cref="Process"/>).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            using var self = Process.GetCurrentProcess();
            return self.TotalProcessorTime;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");

            // Fields after the command name (which may hold spaces) start at state, field 3; utime is 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>CPU time every core of the machine spent busy (not idle nor waiting for I/O), from /proc/stat.</summary>
    public static TimeSpan MachineBusyTime()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var fields = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long busy = 0;
            for (var i = 1; i < fields.Length && i <= 8; i++)
            {
                // user nice system idle iowait irq softirq steal: idle (4th) and iowait (5th) are not busy.
                if (i is not (4 or 5))
                {
                    busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
                }
            }

            return TimeSpan.FromSeconds(busy / ClockTicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or NullReferenceException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>VmRSS of <paramref name="pid"/> in bytes, 0 when it cannot be read.</summary>
    public static long ResidentBytes(int pid) => StatusValue(pid, "VmRSS:") * 1024;

    /// <summary>The number of threads of <paramref name="pid"/> (<c>Threads:</c> in /proc/PID/status), 0 when it cannot be read.</summary>
    public static int Threads(int pid) => (int)StatusValue(pid, "Threads:");

    /// <summary>The number of open file descriptors of <paramref name="pid"/> (sockets included), 0 when they cannot be listed.</summary>
    public static int OpenFiles(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The number that follows <paramref name="field"/> in /proc/PID/status (kB for sizes), 0 when it cannot be read.</summary>
    private static long StatusValue(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return 0;
    }

    /// <summary>This process's soft limit on open files (each connection takes one), from /proc/self/limits.</summary>
    public static long OpenFilesLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var soft) ? soft : long.MaxValue;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return long.MaxValue;
    }
}
