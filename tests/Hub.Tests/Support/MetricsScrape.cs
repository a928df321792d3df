using System.Globalization;
using System.Text;

namespace Hub.Tests.Support;

/// <summary>One scrape of a Prometheus text endpoint (format 0.0.4), parsed into samples.</summary>
public sealed class MetricsScrape
{
    private MetricsScrape(string text, IReadOnlyList<Sample> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>GET <paramref name="path"/> once.</summary>
    public static async Task<MetricsScrape> GetAsync(HttpClient http, string path = "/metrics")
    {
        var text = await http.GetStringAsync(path);
        return Parse(text);
    }

    /// <summary>
    /// Scrapes until <paramref name="condition"/> holds, bounded by <see cref="Waits.Max"/>: the exporter serves a
    /// cached scrape for a short while, and some values (a closed connection) change after the client has seen why.
    /// </summary>
    public static async Task<MetricsScrape> UntilAsync(HttpClient http, Func<MetricsScrape, bool> condition, string because)
    {
        using var deadline = new CancellationTokenSource(Waits.Max);
        while (true)
        {
            var scrape = await GetAsync(http);
            if (condition(scrape))
            {
                return scrape;
            }

            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"/metrics did not show {because} within {Waits.Max}. Last scrape:\n{scrape.HubLines()}");
            }

            // The endpoint has no push signal; poll it briefly, bounded by the deadline.
            await Task.Delay(100, CancellationToken.None);
        }
    }

    public static MetricsScrape Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > 0 && line[0] != '#')
            {
                samples.Add(ParseSample(line));
            }
        }

        return new MetricsScrape(text, samples);
    }

    /// <summary>The value of the one sample named <paramref name="name"/> whose labels include <paramref name="labels"/>; null if none.</summary>
    public double? Value(string name, params (string Name, string Value)[] labels)
    {
        var matches = Find(name, labels).ToList();
        Assert.True(matches.Count <= 1, $"{matches.Count} samples of {name} match; give more labels");
        return matches.Count == 0 ? null : matches[0].Value;
    }

    /// <summary>The samples named <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Find(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    /// <summary>The <c># TYPE</c> line's type of a metric family, or null.</summary>
    public string? TypeOf(string family)
    {
        var prefix = "# TYPE " + family + " ";
        var line = Text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line?[prefix.Length..].Trim();
    }

    public string HubLines() => string.Join('\n', Text.Split('\n').Where(l => l.Contains("hub_", StringComparison.Ordinal)));

    private static Sample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int rest;
        if (brace >= 0 && brace < space)
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var label = line[i..equals];
                var value = new StringBuilder();
                i = equals + 2; // past ="
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                labels[label] = value.ToString();
                i++; // past the closing quote
                if (line[i] == ',')
                {
                    i++;
                }
            }

            rest = i + 1;
        }
        else
        {
            name = line[..space];
            rest = space;
        }

        // The value, then an optional timestamp.
        var fields = line[rest..].Trim().Split(' ');
        var number = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
