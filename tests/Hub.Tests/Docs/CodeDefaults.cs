using System.Reflection;
using Hub.Client;
using Hub.Host.Configuration;
using static Hub.Tests.Docs.DefaultText;

namespace Hub.Tests.Docs;

/// <summary>
/// The defaults the code uses, for comparing with the documents: the engine's as <c>hocon/hub.hocon</c> gives them to
/// <see cref="HubSettings"/>, the host's from its option types, the client's from a new <see cref="HubClientOptions"/>.
/// </summary>
internal static class CodeDefaults
{
    public static HubSettings EngineDefaults { get; } = HubSettings.Create(HubSettings.DefaultConfig());

    public static HubHostOptions HostDefaults { get; } = new();

    public static HubClientOptions ClientDefaults { get; } = new();

    // Rows of the settings tables that are no property of HubHostOptions, with what they must say.
    private static readonly Dictionary<string, string> NotHostOptions = new(StringComparer.Ordinal)
    {
        ["Hub:Engine:<key>"] = "see `hocon/hub.hocon`",
        ["Hub:Akka:Hocon"] = "none",
    };

    /// <summary>
    /// What a row of a host settings table (<c>`Hub:Key`</c> or <c>`Hub:A:B` / `C`</c> | default(s) | ...) says that
    /// new host options do not; null for each default that agrees. A bracketed comment may follow the value; one that
    /// is a size must be the value's size.
    /// </summary>
    public static IEnumerable<string?> SettingDrifts(string[] row)
    {
        var keys = Keys(row[0]);
        var defaults = row[1].Split(" / ");
        Assert.True(defaults.Length == keys.Count || defaults.Length == 1, $"Row {row[0]}: {keys.Count} settings, {defaults.Length} defaults.");
        for (var i = 0; i < keys.Count; i++)
        {
            var shown = defaults.Length == 1 ? defaults[0] : defaults[i];
            if (NotHostOptions.TryGetValue(keys[i], out var fixedText))
            {
                yield return shown == fixedText ? null : $"{keys[i]}: the document says '{shown}', expected '{fixedText}'";
                continue;
            }

            var value = HostOption(keys[i]);
            var expected = Setting(value);
            var comment = shown.StartsWith(expected + " (", StringComparison.Ordinal) && shown.EndsWith(')') ? shown[(expected.Length + 2)..^1] : null;
            var sizeComment = value is long && comment is not null && comment.EndsWith("iB", StringComparison.Ordinal);
            var ok = (shown == expected || comment is not null) && (!sizeComment || comment == Size((long)value!));
            yield return ok ? null : $"{keys[i]}: the document says '{shown}', the code {expected}{(value is long b ? $" ({Size(b)})" : string.Empty)}";
        }
    }

    /// <summary>The value of <paramref name="key"/> (<c>Hub:Cluster:Tls:CertificatePath</c>) in new host options.</summary>
    public static object? HostOption(string key)
    {
        object? target = HostDefaults;
        foreach (var name in key.Split(':').Skip(1))
        {
            var property = target?.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            Assert.True(property is not null, $"{key}: {target?.GetType().Name} has no property {name}.");
            target = property.GetValue(target);
        }

        return target;
    }

    /// <summary>The text of the first <c>`code`</c> span in <paramref name="cell"/>.</summary>
    public static string FirstCode(string cell)
    {
        var start = cell.IndexOf('`', StringComparison.Ordinal) + 1;
        Assert.True(start > 0, $"No `code` in '{cell}'.");
        return cell[start..cell.IndexOf('`', start)];
    }

    /// <summary>Fails with every disagreement found, one a line.</summary>
    public static void AssertNoDrift(string document, IEnumerable<string?> drifts)
    {
        var found = drifts.OfType<string>().ToList();
        Assert.True(found.Count == 0, $"{document} and the code disagree:\n" + string.Join('\n', found));
    }

    /// <summary>The full keys of a settings cell: <c>`Hub:Metrics:RequirePermission` / `Port`</c> is two, siblings of the first.</summary>
    private static List<string> Keys(string cell)
    {
        var names = cell.Split(" / ").Select(FirstCode).ToList();
        var parent = names[0][..(names[0].LastIndexOf(':') + 1)];
        return [names[0], .. names.Skip(1).Select(name => parent + name)];
    }
}
