using System.Runtime.InteropServices;

namespace Hub.Bench;

/// <summary>One line about where the figures come from.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {memory:F0} GiB, "
            + $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; {LoadAverage()}";
    }

    /// <summary>The 1, 5 and 15 minute load averages: other work on the machine skews every figure.</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {fields[0]} {fields[1]} {fields[2]}";
        }
        catch (IOException)
        {
            return "load average unknown";
        }
    }
}
