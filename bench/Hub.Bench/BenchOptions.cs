using System.Globalization;

namespace Hub.Bench;

/// <summary>The command line after the scenario: <c>--name value</c> pairs (short forms -c -p -d -w -s -k -n), and what is left over.</summary>
internal sealed class BenchOptions
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["-c"] = "connections",
        ["-p"] = "in-flight",
        ["-d"] = "duration",
        ["-w"] = "warmup",
        ["-s"] = "subscribers",
        ["-k"] = "publishes-in-flight",
        ["-n"] = "max",
    };

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <param name="args">The arguments after the scenario.</param>
    /// <param name="scenario">The scenario, for the one short form that differs: <c>-n</c> is <c>--clients</c> for soak, <c>--max</c> otherwise.</param>
    public BenchOptions(IEnumerable<string> args, string scenario = "")
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            var name = arg == "-n" && scenario == "soak" ? "clients"
                : Aliases.TryGetValue(arg, out var alias) ? alias
                : arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : null;
            if (name is null)
            {
                Rest.Add(arg);
                continue;
            }

            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                _values[name[..equals]] = name[(equals + 1)..];
            }
            else if (i + 1 < list.Count && !IsName(list[i + 1]))
            {
                _values[name] = list[++i];
            }
            else
            {
                _values[name] = "true";
            }
        }
    }

    /// <summary>Arguments that are not options (passed on to BenchmarkDotNet by <c>micro</c>).</summary>
    public List<string> Rest { get; } = [];

    public bool Has(string name) => _values.ContainsKey(name);

    public string? String(string name) => _values.GetValueOrDefault(name);

    public string String(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var text) ? int.Parse(text.Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        _values.TryGetValue(name, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => _values.TryGetValue(name, out var text) && text != "false";

    public IReadOnlyList<string> List(string name, params string[] fallback) =>
        _values.TryGetValue(name, out var text) ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : fallback;

    private static bool IsName(string arg) => Aliases.ContainsKey(arg) || (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2);
}
