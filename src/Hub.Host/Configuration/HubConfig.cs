using Akka.Configuration;
using Hub.Cluster;
using Microsoft.Extensions.Configuration;

namespace Hub.Host.Configuration;

/// <summary>Builds the HOCON the host adds to the files: <c>hocon/cluster.hocon</c>, and engine settings from configuration.</summary>
internal static class HubConfig
{
    /// <summary>Room in a frame besides the JSON: the caller's claims, names and ids, and Akka's envelope. 256 KiB.</summary>
    public const long FrameHeadroomBytes = 256 * 1024;

    /// <summary>
    /// Akka.Remote's frame limit (<c>akka.remote.dot-netty.tcp.maximum-frame-size</c>) for a hub that accepts messages
    /// of up to <paramref name="maxMessageBytes"/> (<c>Hub:MaxMessageBytes</c>): large enough that whatever a node
    /// accepts from a client crosses to the others whole. DotNetty takes an <see cref="int"/>, so at most 2 GiB - 1.
    /// </summary>
    public static long ClusterFrameBytes(long maxMessageBytes) =>
        Math.Min(int.MaxValue, (maxMessageBytes * ClusterPayload.ReencodingGrowth) + FrameHeadroomBytes);

    /// <summary>Remoting settings derived from the host's: the frame limit of <see cref="ClusterFrameBytes"/>.</summary>
    public static Config Remoting(long maxMessageBytes) =>
        ConfigurationFactory.ParseString(FormattableString.Invariant($"akka.remote.dot-netty.tcp.maximum-frame-size = {ClusterFrameBytes(maxMessageBytes)}b"));

    /// <summary>The cluster settings shipped as <c>hocon/cluster.hocon</c>.</summary>
    public static Config ClusterHocon()
    {
        using var stream = typeof(HubConfig).Assembly.GetManifestResourceStream("Hub.Host.cluster.hocon")
            ?? throw new InvalidOperationException("cluster.hocon is not embedded.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>
    /// Settings from configuration, as HOCON over the files: engine settings from the <c>Hub:Engine</c> section
    /// (appsettings.json or <c>HUB_ENGINE__MAX_IN_FLIGHT</c> style keys; <c>Hub:Engine:max-in-flight = 512</c> sets
    /// <c>hub.max-in-flight</c>), and any Akka setting from <c>Hub:Akka:Hocon</c> (<c>HUB_AKKA__HOCON</c>), a HOCON
    /// text such as <c>akka.cluster.split-brain-resolver.stable-after = 5s</c>, which wins over both.
    /// </summary>
    public static Config Overrides(IConfiguration configuration)
    {
        var section = configuration.GetSection("Hub:Engine");
        var lines = section.AsEnumerable(makePathsRelative: true)
            .Where(kv => kv.Value is not null)
            .Select(kv => $"hub.{kv.Key.Replace(':', '.')} = \"{kv.Value!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        var engine = ConfigurationFactory.ParseString(string.Join('\n', lines));
        var hocon = configuration["Hub:Akka:Hocon"];
        return string.IsNullOrWhiteSpace(hocon) ? engine : ConfigurationFactory.ParseString(hocon).WithFallback(engine);
    }
}
