using System.Text.RegularExpressions;

namespace Hub.Tests.Docs;

/// <summary>Reads the pipe tables of a Markdown document, by the section they are in and their header row.</summary>
internal static partial class MarkdownTables
{
    /// <summary>
    /// The body rows (cells trimmed, <c>\|</c> unescaped) of the first table under the heading
    /// <paramref name="heading"/> (e.g. <c>## Configuration</c>, up to the next heading of that level or higher) whose
    /// header cells are <paramref name="header"/>.
    /// </summary>
    public static IReadOnlyList<string[]> Find(string markdown, string heading, params string[] header)
    {
        var level = heading.TakeWhile(c => c == '#').Count();
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, line => line.TrimEnd() == heading);
        Assert.True(start >= 0, $"No heading '{heading}'.");

        var end = start + 1;
        for (var inFence = false; end < lines.Length; end++)
        {
            inFence ^= lines[end].StartsWith("```", StringComparison.Ordinal);
            if (!inFence && HeadingLevel(lines[end]) is > 0 and var l && l <= level)
            {
                break;
            }
        }

        var section = lines[(start + 1)..end];
        for (var i = 0; i + 1 < section.Length; i++)
        {
            if (section[i].StartsWith('|') && Cells(section[i]).SequenceEqual(header) && section[i + 1].StartsWith("|---", StringComparison.Ordinal))
            {
                return [.. section.Skip(i + 2).TakeWhile(line => line.StartsWith('|')).Select(Cells)];
            }
        }

        Assert.Fail($"No table with header | {string.Join(" | ", header)} | under '{heading}'.");
        return [];
    }

    /// <summary><paramref name="markdown"/> with every run of white space (line breaks included) made one space, for finding wrapped prose.</summary>
    public static string Flatten(string markdown) => WhiteSpace().Replace(markdown, " ");

    private static int HeadingLevel(string line)
    {
        var hashes = line.TakeWhile(c => c == '#').Count();
        return hashes > 0 && line.Length > hashes && line[hashes] == ' ' ? hashes : 0;
    }

    private static string[] Cells(string row) =>
        [.. UnescapedPipe().Split(row.Trim().Trim('|')).Select(cell => cell.Trim().Replace("\\|", "|", StringComparison.Ordinal))];

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
