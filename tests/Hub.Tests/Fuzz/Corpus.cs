using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hub.Tests.Fuzz;

/// <summary>
/// Reads <c>corpus.json</c>, copied next to the test assembly: an array of entries with a unique <c>name</c>; the
/// frame as <c>send</c> (text, sent as UTF-8), <c>send_base64</c> (raw bytes, so invalid UTF-8 survives) or
/// <c>send_repeat</c> (a list of <c>{"text", "times"}</c> pieces joined, for frames of 100,000 brackets; a piece with
/// <c>"numbered": FORMAT</c> has <c>{n}</c> in its text replaced by each repetition's index, 0 up, in that .NET number
/// format, for 80,000 distinct member names); the
/// outcome as <c>expect</c>; and optionally <c>id</c>, the exact text of the id in the reply.
/// </summary>
/// <remarks>
/// <c>expect</c> is one of <c>parse_error</c> (-32700), <c>invalid_request</c> (-32600, for the frame or its one
/// message), <c>request</c>, <c>notification</c>, <c>client_reply</c>, or <c>batch:N</c> (a batch of N entries).
/// Entries are read with the parser's default limits, depth 64 and batch length 100.
/// </remarks>
internal static class Corpus
{
    public const string File = "corpus.json";

    private static readonly Lazy<IReadOnlyList<CorpusEntry>> _entries = new(() => Parse(System.IO.File.ReadAllText(PathOf(File))));

    public static IReadOnlyList<CorpusEntry> Entries => _entries.Value;

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Fuzz", file);

    public static CorpusEntry Entry(string name) => Entries.Single(e => string.Equals(e.Name, name, StringComparison.Ordinal));

    public static IReadOnlyList<CorpusEntry> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => new CorpusEntry(
            Name: e.GetProperty("name").GetString()!,
            Send: SendOf(e),
            Expect: e.GetProperty("expect").GetString()!,
            Id: e.TryGetProperty("id", out var id) ? id.GetString() : null))];
    }

    private static byte[] SendOf(JsonElement entry)
    {
        if (entry.TryGetProperty("send_base64", out var base64))
        {
            return Convert.FromBase64String(base64.GetString()!);
        }

        if (entry.TryGetProperty("send_repeat", out var pieces))
        {
            var text = new StringBuilder();
            foreach (var piece in pieces.EnumerateArray())
            {
                var pieceText = piece.GetProperty("text").GetString()!;
                var times = piece.GetProperty("times").GetInt32();
                if (piece.TryGetProperty("numbered", out var format))
                {
                    for (var n = 0; n < times; n++)
                    {
                        text.Append(pieceText.Replace("{n}", n.ToString(format.GetString(), CultureInfo.InvariantCulture), StringComparison.Ordinal));
                    }
                }
                else
                {
                    text.Insert(text.Length, pieceText, times);
                }
            }

            return Encoding.UTF8.GetBytes(text.ToString());
        }

        return Encoding.UTF8.GetBytes(entry.GetProperty("send").GetString()!);
    }
}
