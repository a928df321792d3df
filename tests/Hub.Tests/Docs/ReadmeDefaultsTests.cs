using Hub.Cluster;
using Hub.Client;
using Hub.Host.Configuration;
using Hub.Host.Transport;
using Hub.Tests.Support;
using static Hub.Tests.Docs.CodeDefaults;
using static Hub.Tests.Docs.DefaultText;

namespace Hub.Tests.Docs;

/// <summary>
/// Every default README.md shows is the one the code uses: the engine's as <c>hocon/hub.hocon</c> gives them to
/// <see cref="HubSettings"/>, the host's from its option types, the client's from a new <see cref="HubClientOptions"/>.
/// A default changed in the code without the README (or the other way round) fails here.
/// </summary>
public sealed class ReadmeDefaultsTests
{
    private static readonly string Readme = RepositoryRoot.ReadText("README.md");

    [Fact]
    public void Configuration_table_shows_the_host_options_defaults()
    {
        var rows = MarkdownTables.Find(Readme, "## Configuration", "setting", "default", "environment", "meaning");

        AssertNoDrift("README.md", rows.SelectMany(SettingDrifts));
    }

    [Fact]
    public void Metrics_settings_table_shows_the_host_options_defaults()
    {
        var rows = MarkdownTables.Find(Readme, "## Metrics", "setting", "default", "environment", "effect");

        AssertNoDrift("README.md", rows.SelectMany(SettingDrifts));
    }

    [Fact]
    public void Limits_table_shows_the_engine_and_host_defaults()
    {
        // Each row of the table, by its first cell: its default, and the "past it" cell where that holds a default too.
        var expected = new Dictionary<string, (string Default, string? PastIt)>(StringComparer.Ordinal)
        {
            ["message size (reassembled from its frames)"] = (Size(HostDefaults.MaxMessageBytes), null),
            ["JSON nesting depth"] = (Count(EngineDefaults.MaxDepth), null),
            ["batch length"] = (Count(EngineDefaults.MaxBatch), null),
            ["requests in flight per connection (batch entries and notifications count)"] = (Count(EngineDefaults.MaxInFlight), null),
            ["method timeout"] = ($"{Seconds(EngineDefaults.MethodTimeout)} (per method at registration)", null),
            ["outbound queue per connection (slow reader)"] = ($"{Count(EngineDefaults.OutboundMaxMessages)} messages or {Size(EngineDefaults.OutboundMaxBytes)}", null),
            ["binary frame"] = ("not accepted", null),
            ["keep-alive"] = ($"ping every {Seconds(HostDefaults.KeepAliveInterval)}", $"silent for {Seconds(HostDefaults.KeepAliveTimeout)}: aborted"),
            ["WebSocket connections per node (`Hub:MaxConnections`)"] = (Count(HostDefaults.MaxConnections), null),
            ["connections the open-files limit leaves room for (`ulimit -n`; read at start and logged as \"Open-files limit ...\")"] =
                ($"the limit, less the files open at start, less a headroom of 1/{OpenFiles.HeadroomShare} of it (at least {OpenFiles.MinHeadroom}); 1/{OpenFiles.OtherShare} of the rest ({OpenFiles.MinOther} to {Count(OpenFiles.MaxOther)}) for HTTP calls and upgrades in progress, the rest for WebSockets", null),
            ["subscriptions per connection (`hub.max-subscriptions`)"] = (Count(EngineDefaults.MaxSubscriptions), null),
            ["request rate per connection (`hub.rate-limit.per-second`, `.burst`)"] = (EngineDefaults.RateLimitPerSecond == 0 ? "off" : $"{Count(EngineDefaults.RateLimitPerSecond)} per second", null),
            ["time to send the upgrade after connecting (`Hub:UpgradeTimeout`)"] = (Seconds(HostDefaults.UpgradeTimeout), null),
            ["HTTP calls served at once (`Hub:MaxConcurrentHttpRequests`; not counted in `Hub:MaxConnections`)"] = (Count(HostDefaults.MaxConcurrentHttpRequests), null),
            ["time to receive one message, first byte to last (`Hub:MessageAssemblyTimeout`)"] = (Seconds(HostDefaults.MessageAssemblyTimeout), null),
            ["received, unparsed bytes on the node (`Hub:MaxInboundBytes`)"] = (Size(HostDefaults.MaxInboundBytes), null),
            ["data Kestrel reads ahead of a connection the hub is not reading"] = (Size(InboundBudget.TransportReadAheadBytes), null),
            ["authentication"] = (HostDefaults.Auth.RequireUser ? "anonymous refused" : "anonymous allowed", null),
            ["a message between nodes (derived from `Hub:MaxMessageBytes`)"] =
                ($"{ClusterPayload.ReencodingGrowth} x {Size(HostDefaults.MaxMessageBytes)} + {Size(HubConfig.FrameHeadroomBytes)} frame, less {Size(ClusterPayload.EnvelopeReserveBytes)} envelope", null),
        };

        var rows = MarkdownTables.Find(Readme, "## Limits and failure behaviour", "limit", "default", "past it");

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), rows.Select(row => row[0]).Order(StringComparer.Ordinal));
        AssertNoDrift("README.md", rows.SelectMany(row => LimitDrifts(row, expected[row[0]])));
    }

    [Fact]
    public void Client_limits_table_shows_the_client_options_defaults()
    {
        var rows = MarkdownTables.Find(Readme, "## The .NET client", "option", "default", "past it");

        Assert.NotEmpty(rows);
        AssertNoDrift("README.md", rows.Select(row =>
        {
            var name = FirstCode(row[0]);
            var value = typeof(HubClientOptions).GetProperty(name)?.GetValue(ClientDefaults);
            var shown = value switch
            {
                long bytes => Size(bytes),
                int count => Count(count),
                _ => $"(no property {name} of a size or count)",
            };
            return shown == row[1] ? null : $"client option {name}: the README says '{row[1]}', the code '{shown}'";
        }));
    }

    [Fact]
    public void Defaults_in_the_readme_prose_are_the_code_defaults()
    {
        var reconnect = ClientDefaults.Reconnect;
        string[] sentences =
        [
            $"(`ReconnectPolicy`: `InitialDelay` {Seconds(reconnect.InitialDelay)}, `Multiplier` {Count(reconnect.Multiplier)}, `MaxDelay` {Seconds(reconnect.MaxDelay)}, `Jitter` {Count(reconnect.Jitter)},",
            $"A batch over the server's length limit (Hub: {Count(EngineDefaults.MaxBatch)})",
            $"A stream buffers up to `StreamBufferCapacity` ({Count(ClientDefaults.StreamBufferCapacity)}) notifications",
            $"at most `HandlerQueueCapacity` ({Count(ClientDefaults.HandlerQueueCapacity)}) notifications wait for a handler",
            $"{Size(EngineDefaults.OutboundMaxBytes)} is the most a hub with default settings sends in one message (its `outbound.max-bytes`; it accepts {Size(HostDefaults.MaxMessageBytes)})",
            $"so {Count(HubConfig.ClusterFrameBytes(HostDefaults.MaxMessageBytes))} bytes by default",
            $"holds its buffer {Seconds(HostDefaults.MessageAssemblyTimeout)} at most",
            $"Kestrel reads at most {Size(InboundBudget.TransportReadAheadBytes)} ahead of each connection",
            $"{Mebibytes(HostDefaults.MaxInboundBytes + (1000L * InboundBudget.TransportReadAheadBytes))} for 1,000 connections with the defaults",
            $"a message over {Size(ClientDefaults.MaxMessageBytes)} (`MaxMessageBytes`)",
            $"one nested deeper than {Count(ClientDefaults.MaxDepth)} (`MaxDepth`)",
            $"# the hub on {Hub.Host.HubHost.DefaultUrl}, demo methods and topics",
            $"more than {Count(ClientDefaults.HandlerQueueCapacity)} notifications waiting for one subscription handler",
        ];

        var prose = MarkdownTables.Flatten(Readme);

        AssertNoDrift("README.md", sentences.Select(sentence => prose.Contains(sentence, StringComparison.Ordinal) ? null : $"README does not say: {sentence}"));
    }

    [Fact]
    public void Client_limits_follow_the_hub_defaults()
    {
        // The client takes whatever a hub with default settings may send: its outbound byte limit, its nesting depth.
        Assert.Equal(EngineDefaults.OutboundMaxBytes, ClientDefaults.MaxMessageBytes);
        Assert.Equal(EngineDefaults.MaxDepth, ClientDefaults.MaxDepth);
    }

    private static IEnumerable<string?> LimitDrifts(string[] row, (string Default, string? PastIt) expected)
    {
        yield return row[1] == expected.Default ? null : $"limit '{row[0]}': the README says '{row[1]}', the code '{expected.Default}'";
        if (expected.PastIt is { } pastIt)
        {
            yield return row[2] == pastIt ? null : $"limit '{row[0]}', past it: the README says '{row[2]}', the code '{pastIt}'";
        }
    }
}
