using System.Reflection;
using Hub.Client;
using Hub.Host.Configuration;
using Hub.Host.Transport;
using Hub.Tests.Support;
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
    private static readonly HubSettings Engine = HubSettings.Create(HubSettings.DefaultConfig());
    private static readonly HubHostOptions Host = new();
    private static readonly HubClientOptions Client = new();

    // Rows of the settings tables that are no property of HubHostOptions, with what they must say.
    private static readonly Dictionary<string, string> NotHostOptions = new(StringComparer.Ordinal)
    {
        ["Hub:Engine:<key>"] = "see `hocon/hub.hocon`",
        ["Hub:Akka:Hocon"] = "none",
    };

    [Fact]
    public void Configuration_table_shows_the_host_options_defaults()
    {
        var rows = MarkdownTables.Find(Readme, "## Configuration", "setting", "default", "environment", "meaning");

        AssertNoDrift(rows.SelectMany(SettingDrifts));
    }

    [Fact]
    public void Metrics_settings_table_shows_the_host_options_defaults()
    {
        var rows = MarkdownTables.Find(Readme, "## Metrics", "setting", "default", "environment", "effect");

        AssertNoDrift(rows.SelectMany(SettingDrifts));
    }

    [Fact]
    public void Limits_table_shows_the_engine_and_host_defaults()
    {
        // Each row of the table, by its first cell: its default, and the "past it" cell where that holds a default too.
        var expected = new Dictionary<string, (string Default, string? PastIt)>(StringComparer.Ordinal)
        {
            ["message size (reassembled from its frames)"] = (Size(Host.MaxMessageBytes), null),
            ["JSON nesting depth"] = (Count(Engine.MaxDepth), null),
            ["batch length"] = (Count(Engine.MaxBatch), null),
            ["requests in flight per connection (batch entries and notifications count)"] = (Count(Engine.MaxInFlight), null),
            ["method timeout"] = ($"{Seconds(Engine.MethodTimeout)} (per method at registration)", null),
            ["outbound queue per connection (slow reader)"] = ($"{Count(Engine.OutboundMaxMessages)} messages or {Size(Engine.OutboundMaxBytes)}", null),
            ["binary frame"] = ("not accepted", null),
            ["keep-alive"] = ($"ping every {Seconds(Host.KeepAliveInterval)}", $"silent for {Seconds(Host.KeepAliveTimeout)}: aborted"),
            ["WebSocket connections per node (`Hub:MaxConnections`)"] = (Count(Host.MaxConnections), null),
            ["subscriptions per connection (`hub.max-subscriptions`)"] = (Count(Engine.MaxSubscriptions), null),
            ["request rate per connection (`hub.rate-limit.per-second`, `.burst`)"] = (Engine.RateLimitPerSecond == 0 ? "off" : $"{Count(Engine.RateLimitPerSecond)} per second", null),
            ["time to send the upgrade after connecting (`Hub:UpgradeTimeout`)"] = (Seconds(Host.UpgradeTimeout), null),
            ["HTTP calls served at once (`Hub:MaxConcurrentHttpRequests`; not counted in `Hub:MaxConnections`)"] = (Count(Host.MaxConcurrentHttpRequests), null),
            ["time to receive one message, first byte to last (`Hub:MessageAssemblyTimeout`)"] = (Seconds(Host.MessageAssemblyTimeout), null),
            ["received, unparsed bytes on the node (`Hub:MaxInboundBytes`)"] = (Size(Host.MaxInboundBytes), null),
            ["data Kestrel reads ahead of a connection the hub is not reading"] = (Size(InboundBudget.TransportReadAheadBytes), null),
            ["authentication"] = (Host.Auth.RequireUser ? "anonymous refused" : "anonymous allowed", null),
            ["a message between nodes (derived from `Hub:MaxMessageBytes`)"] =
                ($"{HubConfig.ReencodingGrowth} x {Size(Host.MaxMessageBytes)} + {Size(HubConfig.FrameHeadroomBytes)} frame, less 16 KiB envelope", null),
        };

        var rows = MarkdownTables.Find(Readme, "## Limits and failure behaviour", "limit", "default", "past it");

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), rows.Select(row => row[0]).Order(StringComparer.Ordinal));
        AssertNoDrift(rows.SelectMany(row => LimitDrifts(row, expected[row[0]])));
    }

    [Fact]
    public void Client_limits_table_shows_the_client_options_defaults()
    {
        var rows = MarkdownTables.Find(Readme, "## The .NET client", "option", "default", "past it");

        Assert.NotEmpty(rows);
        AssertNoDrift(rows.Select(row =>
        {
            var name = FirstCode(row[0]);
            var value = typeof(HubClientOptions).GetProperty(name)?.GetValue(Client);
            var shown = value switch
            {
                long bytes => Size(bytes),
                int count => Count(count),
                _ => $"(no property {name} of a size or count)",
            };
            return shown == row[1] ? null : $"client option {name}: README says '{row[1]}', the code '{shown}'";
        }));
    }

    [Fact]
    public void Defaults_in_the_readme_prose_are_the_code_defaults()
    {
        var reconnect = Client.Reconnect;
        string[] sentences =
        [
            $"(`ReconnectPolicy`: `InitialDelay` {Seconds(reconnect.InitialDelay)}, `Multiplier` {Count(reconnect.Multiplier)}, `MaxDelay` {Seconds(reconnect.MaxDelay)}, `Jitter` {Count(reconnect.Jitter)},",
            $"A batch over the server's length limit (Hub: {Count(Engine.MaxBatch)})",
            $"A stream buffers up to `StreamBufferCapacity` ({Count(Client.StreamBufferCapacity)}) notifications",
            $"at most `HandlerQueueCapacity` ({Count(Client.HandlerQueueCapacity)}) notifications wait for a handler",
            $"{Size(Engine.OutboundMaxBytes)} is the most a hub with default settings sends in one message (its `outbound.max-bytes`; it accepts {Size(Host.MaxMessageBytes)})",
            $"so {Count(HubConfig.ClusterFrameBytes(Host.MaxMessageBytes))} bytes by default",
            $"holds its buffer {Seconds(Host.MessageAssemblyTimeout)} at most",
            $"Kestrel reads at most {Size(InboundBudget.TransportReadAheadBytes)} ahead of each connection",
            $"{Mebibytes(Host.MaxInboundBytes + (1000L * InboundBudget.TransportReadAheadBytes))} for 1,000 connections with the defaults",
            $"a message over {Size(Client.MaxMessageBytes)} (`MaxMessageBytes`)",
            $"one nested deeper than {Count(Client.MaxDepth)} (`MaxDepth`)",
            $"more than {Count(Client.HandlerQueueCapacity)} notifications waiting for one subscription handler",
        ];

        var prose = MarkdownTables.Flatten(Readme);

        AssertNoDrift(sentences.Select(sentence => prose.Contains(sentence, StringComparison.Ordinal) ? null : $"README does not say: {sentence}"));
    }

    [Fact]
    public void Client_limits_follow_the_hub_defaults()
    {
        // The client takes whatever a hub with default settings may send: its outbound byte limit, its nesting depth.
        Assert.Equal(Engine.OutboundMaxBytes, Client.MaxMessageBytes);
        Assert.Equal(Engine.MaxDepth, Client.MaxDepth);
    }

    /// <summary>What a row of a settings table (key(s) | default(s) | ...) says that the host options do not.</summary>
    private static IEnumerable<string?> SettingDrifts(string[] row)
    {
        var keys = Keys(row[0]);
        var defaults = row[1].Split(" / ");
        Assert.True(defaults.Length == keys.Count || defaults.Length == 1, $"Row {row[0]}: {keys.Count} settings, {defaults.Length} defaults.");
        for (var i = 0; i < keys.Count; i++)
        {
            var shown = defaults.Length == 1 ? defaults[0] : defaults[i];
            if (NotHostOptions.TryGetValue(keys[i], out var fixedText))
            {
                yield return shown == fixedText ? null : $"{keys[i]}: README says '{shown}', expected '{fixedText}'";
                continue;
            }

            var value = HostOption(keys[i]);
            var expected = Setting(value);

            // A comment may follow the value in brackets; one that is a size must be the value's size.
            var comment = shown.StartsWith(expected + " (", StringComparison.Ordinal) && shown.EndsWith(')') ? shown[(expected.Length + 2)..^1] : null;
            var sizeComment = value is long bytes && comment is not null && comment.EndsWith("iB", StringComparison.Ordinal);
            var ok = (shown == expected || comment is not null) && (!sizeComment || comment == Size((long)value!));
            yield return ok ? null : $"{keys[i]}: README says '{shown}', the code {expected}{(value is long b ? $" ({Size(b)})" : string.Empty)}";
        }
    }

    private static IEnumerable<string?> LimitDrifts(string[] row, (string Default, string? PastIt) expected)
    {
        yield return row[1] == expected.Default ? null : $"limit '{row[0]}': README says '{row[1]}', the code '{expected.Default}'";
        if (expected.PastIt is { } pastIt)
        {
            yield return row[2] == pastIt ? null : $"limit '{row[0]}', past it: README says '{row[2]}', the code '{pastIt}'";
        }
    }

    /// <summary>The full keys of a settings cell: <c>`Hub:Metrics:RequirePermission` / `Port`</c> is two, siblings of the first.</summary>
    private static List<string> Keys(string cell)
    {
        var names = cell.Split(" / ").Select(FirstCode).ToList();
        var parent = names[0][..(names[0].LastIndexOf(':') + 1)];
        return [names[0], .. names.Skip(1).Select(name => parent + name)];
    }

    /// <summary>The value of <paramref name="key"/> (<c>Hub:Cluster:Tls:CertificatePath</c>) in new host options.</summary>
    private static object? HostOption(string key)
    {
        object? target = Host;
        foreach (var name in key.Split(':').Skip(1))
        {
            var property = target?.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            Assert.True(property is not null, $"{key}: {target?.GetType().Name} has no property {name}.");
            target = property.GetValue(target);
        }

        return target;
    }

    private static string FirstCode(string cell)
    {
        var start = cell.IndexOf('`', StringComparison.Ordinal) + 1;
        Assert.True(start > 0, $"No `code` in '{cell}'.");
        return cell[start..cell.IndexOf('`', start)];
    }

    private static void AssertNoDrift(IEnumerable<string?> drifts)
    {
        var found = drifts.OfType<string>().ToList();
        Assert.True(found.Count == 0, "README.md and the code disagree:\n" + string.Join('\n', found));
    }
}
