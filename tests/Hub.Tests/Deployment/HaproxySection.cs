namespace Hub.Tests.Deployment;

/// <summary>
/// One section of an HAProxy configuration (<c>global</c>, <c>defaults</c>, <c>frontend NAME</c>, <c>backend NAME</c>,
/// <c>resolvers NAME</c>, ...): its keyword lines, comments removed, read as text by <see cref="ComposeFileTests"/>.
/// </summary>
internal sealed record HaproxySection(string Kind, string Name, List<string> Lines)
{
    /// <summary>The sections of <paramref name="text"/>: a section starts at a line that is not indented.</summary>
    public static List<HaproxySection> Parse(string text)
    {
        var sections = new List<HaproxySection>();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = StripComment(raw).TrimEnd();
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (!char.IsWhiteSpace(line[0]))
            {
                var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                sections.Add(new HaproxySection(parts[0], parts.Length > 1 ? parts[1] : string.Empty, []));
            }
            else
            {
                Assert.True(sections.Count > 0, $"'{line.Trim()}' comes before any section.");
                sections[^1].Lines.Add(string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            }
        }

        return sections;
    }

    /// <summary>The rest of each line that starts with <paramref name="keyword"/>, one surrounding pair of quotes removed.</summary>
    public List<string> Values(string keyword) =>
        [.. Lines.Where(line => line == keyword || line.StartsWith(keyword + " ", StringComparison.Ordinal))
            .Select(line => line[keyword.Length..].Trim())
            .Select(value => value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value)];

    /// <summary>Removes a comment: a '#' outside double quotes, to the end of the line.</summary>
    private static string StripComment(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == '#' && !quoted)
            {
                return line[..i];
            }
        }

        return line;
    }
}
