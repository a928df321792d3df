using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Hub.Client;
using Hub.Host.Configuration;

namespace Hub.Tests.Docs;

/// <summary>
/// The defaults the XML docs of the option types state ("Default 30 seconds.", "Default <c>/rpc</c>.") are the values
/// a new instance holds, so IntelliSense cannot drift from the code. Every settable property of a value type, a string
/// or a list states its default; of other types, a stated <see langword="null"/> is checked.
/// </summary>
public sealed partial class XmlDocDefaultsTests
{
    public static TheoryData<Type> OptionTypes() =>
    [
        typeof(HubClientOptions),
        typeof(ReconnectPolicy),
        typeof(HubCallOptions),
        typeof(HubHostOptions),
        typeof(HubAuthOptions),
        typeof(HubClusterOptions),
        typeof(HubClusterTlsOptions),
        typeof(HubMetricsOptions),
    ];

    [Theory]
    [MemberData(nameof(OptionTypes))]
    public void Documented_defaults_are_the_values_of_a_new_instance(Type type)
    {
        var docs = Summaries(type.Assembly);
        var instance = Activator.CreateInstance(type)!;
        var drifts = new List<string>();
        var checkedCount = 0;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var name = $"{type.Name}.{property.Name}";
            var summary = docs.GetValueOrDefault($"P:{type.FullName}.{property.Name}", string.Empty);
            var value = property.GetValue(instance);
            var mustState = property.PropertyType.IsValueType || property.PropertyType == typeof(string) || property.PropertyType.IsArray;
            var match = DefaultPhrase().Match(summary);
            if (!match.Success)
            {
                if (mustState)
                {
                    drifts.Add($"{name}: its summary states no default (\"Default ...\").");
                }

                continue;
            }

            var stated = match.Groups["value"].Value;
            var phrase = $"Default{match.Groups["colon"].Value} {stated.Split(". ")[0]}";
            if (Describes(stated, value, property.PropertyType) is { } holds)
            {
                checkedCount++;
                if (!holds)
                {
                    drifts.Add($"{name}: the summary says \"{phrase}\", a new instance holds {Show(value)}.");
                }
            }
            else if (mustState)
            {
                drifts.Add($"{name}: \"{phrase}\" is no value this test reads.");
            }
        }

        Assert.True(drifts.Count == 0, string.Join('\n', drifts));
        Assert.True(checkedCount > 0, $"No default of {type.Name} was checked.");
    }

    /// <summary>Whether <paramref name="stated"/> describes <paramref name="value"/>; null when it is not a value this test reads.</summary>
    private static bool? Describes(string stated, object? value, Type type)
    {
        if (Null().IsMatch(stated))
        {
            return value is null || (value is IEnumerable list and not string && !list.Cast<object>().Any());
        }

        var langword = Langword().Match(stated);
        if (langword.Success)
        {
            return value is bool flag && flag.ToString(CultureInfo.InvariantCulture).Equals(langword.Groups[1].Value, StringComparison.OrdinalIgnoreCase);
        }

        var code = Code().Match(stated);
        if (code.Success && (type == typeof(string) || type.IsValueType))
        {
            return Convert.ToString(value, CultureInfo.InvariantCulture) == code.Groups[1].Value;
        }

        var member = Cref().Match(stated);
        if (member.Success && (Nullable.GetUnderlyingType(type) ?? type).IsEnum)
        {
            return value?.ToString() == member.Groups[1].Value;
        }

        var number = Number().Match(stated);
        if (number.Success)
        {
            var amount = double.Parse(number.Groups["amount"].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
            return (number.Groups["unit"].Value, value) switch
            {
                ("s" or "second" or "seconds", TimeSpan duration) => duration == TimeSpan.FromSeconds(amount),
                ("MiB", long bytes) => bytes == amount * 1024 * 1024,
                ("KiB", long bytes) => bytes == amount * 1024,
                ("", IConvertible plain) when value is not TimeSpan => Convert.ToDouble(plain, CultureInfo.InvariantCulture) == amount,
                _ => false,
            };
        }

        return null;
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        IEnumerable list and not string => $"[{string.Join(", ", list.Cast<object>())}]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
    };

    /// <summary>The summaries of an assembly's members from its XML documentation file, by member id, white space made single spaces.</summary>
    private static Dictionary<string, string> Summaries(Assembly assembly)
    {
        var file = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".xml");
        Assert.True(File.Exists(file), $"{file} is missing: the project generates its documentation file.");
        return XDocument.Load(file).Descendants("member")
            .Where(member => member.Element("summary") is not null)
            .ToDictionary(
                member => (string)member.Attribute("name")!,
                member => WhiteSpace().Replace(string.Concat(member.Element("summary")!.Nodes()), " ").Trim(),
                StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\bDefault(?<colon>:?) (?<value>.+)$")]
    private static partial Regex DefaultPhrase();

    [GeneratedRegex("^(?:<see langword=\"null\" ?/>|none\\b)")]
    private static partial Regex Null();

    [GeneratedRegex("^<see langword=\"(true|false)\" ?/>")]
    private static partial Regex Langword();

    [GeneratedRegex("^<c>([^<]*)</c>")]
    private static partial Regex Code();

    [GeneratedRegex("^<see cref=\"[A-Z]:[\\w.]*\\.(\\w+)\" ?/>")]
    private static partial Regex Cref();

    [GeneratedRegex(@"^(?<amount>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?: (?<unit>s|seconds?|MiB|KiB)\b)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
