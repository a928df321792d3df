using System.Runtime.InteropServices;

namespace Hub.Bench;

/// <summary>One line about where the figures come from.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {memory:F0} GiB, "
            + $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }
}
