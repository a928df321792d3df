using Hub.Cluster;
using System.Text.RegularExpressions;
using Hub.Host.Configuration;
using Hub.Tests.Support;
using static Hub.Tests.Docs.CodeDefaults;
using static Hub.Tests.Docs.DefaultText;

namespace Hub.Tests.Docs;

/// <summary>
/// Every default docs/protocol.md shows (section 8's tables, and the figures in its prose) is the one the code uses,
/// as <see cref="ReadmeDefaultsTests"/> checks the README's.
/// </summary>
public sealed partial class ProtocolDefaultsTests
{
    private const string Document = "docs/protocol.md";
    private const string Section = "## 8. Limits and configuration";
    private static readonly string Protocol = RepositoryRoot.ReadText(Document);

    [Fact]
    public void Limits_table_shows_the_defaults_of_each_setting()
    {
        var rows = MarkdownTables.Find(Protocol, Section, "limit", "default", "what the client sees past it", "setting");

        Assert.NotEmpty(rows);
        AssertNoDrift(Document, rows.Select(row => LimitDrift(row[0], row[1], row[3])));
    }

    [Fact]
    public void Host_options_table_shows_the_host_options_defaults()
    {
        var rows = MarkdownTables.Find(Protocol, Section, "option", "default", "environment variable");

        Assert.NotEmpty(rows);
        AssertNoDrift(Document, rows.SelectMany(SettingDrifts));
    }

    [Fact]
    public void Defaults_in_the_prose_are_the_code_defaults()
    {
        string[] sentences =
        [
            $"The path is `Hub:Path` (default {Setting(HostDefaults.Path)})",
            $"did not finish within the method's timeout (default {Seconds(EngineDefaults.MethodTimeout)})",
            $"Answer within the calling method's timeout (default {Seconds(EngineDefaults.MethodTimeout)})",
            $"more than {Count(EngineDefaults.OutboundMaxMessages)} messages or {Size(EngineDefaults.OutboundMaxBytes)} were queued for you",
        ];

        var prose = MarkdownTables.Flatten(Protocol);

        AssertNoDrift(Document, sentences.Select(sentence => prose.Contains(sentence, StringComparison.Ordinal) ? null : $"it does not say: {sentence}"));
    }

    /// <summary>What a limit's default cell says that the value of its setting (an engine key, or <c>Hub:*</c>) does not.</summary>
    private static string? LimitDrift(string limit, string shown, string setting)
    {
        string expected;
        if (setting == "none")
        {
            expected = "not accepted";
        }
        else if (setting.StartsWith("derived from `Hub:MaxMessageBytes`", StringComparison.Ordinal))
        {
            expected = $"{ClusterPayload.ReencodingGrowth} x `Hub:MaxMessageBytes` + {Size(HubConfig.FrameHeadroomBytes)} " +
                $"({Count(HubConfig.ClusterFrameBytes(HostDefaults.MaxMessageBytes))} bytes), less {Size(ClusterPayload.EnvelopeReserveBytes)} for Akka's envelope";
        }
        else
        {
            var key = FirstCode(setting);
            var value = key.StartsWith("Hub:", StringComparison.Ordinal) ? HostOption(key) : EngineSetting(key);
            expected = value switch
            {
                TimeSpan duration => Seconds(duration),
                long bytes => Size(bytes),
                int count => Count(count),
                double rate when key == "rate-limit.per-second" && rate == 0 => "off",
                _ => $"(no form for {key} = {value})",
            };

            // The value, then a unit or a comment: "100 entries", "1 MiB (1,048,576 bytes accepted)".
            var exact = Bytes().Match(shown) is { Success: true } inBytes && value is long all ? inBytes.Groups[1].Value == Count(all) : true;
            if (exact && (shown == expected || shown.StartsWith(expected + " ", StringComparison.Ordinal)))
            {
                return null;
            }
        }

        return shown == expected ? null : $"limit '{limit}': the document says '{shown}', the code '{expected}'";
    }

    private static object EngineSetting(string key) => key switch
    {
        "max-depth" => EngineDefaults.MaxDepth,
        "max-batch" => EngineDefaults.MaxBatch,
        "max-in-flight" => EngineDefaults.MaxInFlight,
        "max-subscriptions" => EngineDefaults.MaxSubscriptions,
        "rate-limit.per-second" => EngineDefaults.RateLimitPerSecond,
        "rate-limit.burst" => EngineDefaults.RateLimitBurst,
        "method-timeout" => EngineDefaults.MethodTimeout,
        "outbound.max-messages" => EngineDefaults.OutboundMaxMessages,
        "outbound.max-bytes" => EngineDefaults.OutboundMaxBytes,
        "shutdown-deadline" => EngineDefaults.ShutdownDeadline,
        _ => throw new ArgumentException($"No engine setting '{key}'.", nameof(key)),
    };

    [GeneratedRegex(@"\((\d[\d,]*) bytes")]
    private static partial Regex Bytes();
}
