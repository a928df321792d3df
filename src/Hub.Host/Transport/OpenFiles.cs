using System.Globalization;

namespace Hub.Host.Transport;

/// <summary>
/// How many connections this process can hold under its open-files limit (<c>RLIMIT_NOFILE</c>), so that it never
/// reaches it. At the limit <c>accept()</c> fails with <c>EMFILE</c> while the client waits in the listen backlog, and
/// Kestrel's accept loop retries at once, over and over: measured here with a limit of 1,500, the process's memory
/// climbed about 20 MB/s until the connections closed, and some runs ended in "Out of memory" (the bare Kestrel
/// baseline too). Below the limit, a connection past a cap is accepted and closed (Kestrel) or answered <c>503</c>
/// (the hub), and its descriptor comes back at once.
/// </summary>
/// <param name="Limit">The soft open-files limit; null where the system does not say (not Linux) or sets none.</param>
/// <param name="InUse">Descriptors open when the caps were taken: the runtime's and the loaded assemblies' files, logs, pipes.</param>
internal sealed record OpenFiles(long? Limit, long InUse)
{
    /// <summary>The headroom is this part of the limit...</summary>
    internal const int HeadroomShare = 50;

    /// <summary>... and at least this many descriptors.</summary>
    internal const int MinHeadroom = 256;

    /// <summary>Connections other than WebSockets get this part of what is left...</summary>
    internal const int OtherShare = 100;

    /// <summary>... at least this many...</summary>
    internal const int MinOther = 64;

    /// <summary>... and at most this many.</summary>
    internal const int MaxOther = 1024;

    private const string LimitsFile = "/proc/self/limits";
    private const string DescriptorsFolder = "/proc/self/fd";

    /// <summary>
    /// Descriptors kept free for what the process opens after start: assemblies loaded later, Akka's remoting
    /// (two sockets per other node), the metrics port, log files. A fiftieth of the limit, at least 256.
    /// </summary>
    public long Headroom => Limit is { } limit ? Math.Max(MinHeadroom, limit / HeadroomShare) : 0;

    /// <summary>
    /// Connections Kestrel holds before they become WebSockets: HTTP calls, and upgrades still being read. A hundredth
    /// of what is left, 64 to 1,024; null (no cap) without a limit.
    /// </summary>
    public int? OtherConnections => Limit is null ? null : (int)Math.Clamp(Available / OtherShare, MinOther, MaxOther);

    /// <summary>WebSockets this process can hold with everything above kept free, at least 1; <see cref="int.MaxValue"/> without a limit.</summary>
    public int WebSockets => Limit is null ? int.MaxValue : (int)Math.Clamp(Available - OtherConnections!.Value, 1, int.MaxValue);

    private long Available => Math.Max(0, (Limit ?? 0) - InUse - Headroom);

    /// <summary>This process's limit and the descriptors it has open now.</summary>
    public static OpenFiles OfThisProcess() => new(
        File.Exists(LimitsFile) ? Parse(File.ReadAllText(LimitsFile)) : null,
        Directory.Exists(DescriptorsFolder) ? Directory.GetFiles(DescriptorsFolder).Length : 0);

    /// <summary>The soft limit in the "Max open files" line of a <c>/proc/PID/limits</c> text; null when absent or unlimited.</summary>
    public static long? Parse(string limits)
    {
        const string Line = "Max open files";
        foreach (var line in limits.Split('\n'))
        {
            if (line.StartsWith(Line, StringComparison.Ordinal))
            {
                var soft = line[Line.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
            }
        }

        return null;
    }
}
