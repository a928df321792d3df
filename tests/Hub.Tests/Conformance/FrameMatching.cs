using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hub.Tests.Conformance;

/// <summary>The comparisons of the conformance README, done on the frame's text without re-serializing it.</summary>
/// <remarks>
/// Parsing a reply into a tree and writing it back would change what is compared (number forms, escapes,
/// member order), so these helpers only locate byte spans with <see cref="Utf8JsonReader"/> and cut them out.
/// </remarks>
internal static class FrameMatching
{
    private static readonly TimeSpan _regexTimeout = TimeSpan.FromSeconds(1);

    // Generous: the protocol's own limit is 64, and a reply that echoes a deep request is one level deeper.
    private static readonly JsonReaderOptions _readerOptions = new() { MaxDepth = 1024 };

    /// <summary>
    /// Removes a trailing <c>"data"</c> member from the error object of the reply, or of each entry of a batch
    /// reply, unless the error's code is -32601, -32603 or -32050 (which never carry data). Text that is not
    /// valid JSON, and every byte outside the removed members, comes back unchanged.
    /// </summary>
    public static string RemoveIgnoredData(string reply)
    {
        var bytes = Encoding.UTF8.GetBytes(reply);
        var cuts = new List<(int Start, int End)>();
        try
        {
            var reader = new Utf8JsonReader(bytes, _readerOptions);
            if (!reader.Read())
            {
                return reply;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                CollectFromReply(ref reader, cuts);
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        CollectFromReply(ref reader, cuts);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }

            // Reads to the end, so that text after the value throws and leaves the reply as it was.
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return reply;
        }

        return cuts.Count == 0 ? reply : Encoding.UTF8.GetString(Cut(bytes, cuts));
    }

    /// <summary>True for a JSON object with a <c>method</c> member and no <c>id</c> member (the README's topic notification).</summary>
    public static bool IsTopicNotification(string frame)
    {
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(frame), _readerOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var hasMethod = false;
            var hasId = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                hasMethod |= reader.ValueTextEquals("method"u8);
                hasId |= reader.ValueTextEquals("id"u8);
                reader.Read();
                reader.Skip();
            }

            while (reader.Read())
            {
            }

            return hasMethod && !hasId;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="pattern"/> matches the whole of <paramref name="frame"/>, as Python's <c>re.fullmatch</c> does.</summary>
    public static bool IsFullMatch(string pattern, string frame) =>
        // \z, not $: $ also matches before a final line feed.
        Regex.IsMatch(frame, $@"\A(?:{pattern})\z", RegexOptions.CultureInvariant, _regexTimeout);

    /// <summary>
    /// For <c>expect_unordered_batch</c>: both texts are arrays holding the same entries, each compared exactly,
    /// and <paramref name="actual"/> is written compactly (<c>[</c>, entries joined by <c>,</c>, <c>]</c>).
    /// </summary>
    public static bool IsSameBatchInAnyOrder(string expected, string actual)
    {
        var expectedEntries = SplitArray(expected);
        var actualEntries = SplitArray(actual);
        if (expectedEntries is null || actualEntries is null)
        {
            return string.Equals(expected, actual, StringComparison.Ordinal);
        }

        if (!string.Equals(actual, "[" + string.Join(',', actualEntries) + "]", StringComparison.Ordinal))
        {
            return false;
        }

        return expectedEntries.Order(StringComparer.Ordinal).SequenceEqual(actualEntries.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>The exact text of each entry of a JSON array; null when the text is not a JSON array.</summary>
    public static IReadOnlyList<string>? SplitArray(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var entries = new List<string>();
        try
        {
            var reader = new Utf8JsonReader(bytes, _readerOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                entries.Add(Encoding.UTF8.GetString(bytes, start, (int)reader.BytesConsumed - start));
            }

            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return entries;
    }

    // The reader is on the reply object's StartObject; leaves it on the matching EndObject.
    private static void CollectFromReply(ref Utf8JsonReader reader, List<(int Start, int End)> cuts)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isError = reader.ValueTextEquals("error"u8);
            reader.Read();
            if (isError && reader.TokenType == JsonTokenType.StartObject)
            {
                CollectFromError(ref reader, cuts);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    // The reader is on the error object's StartObject; leaves it on the matching EndObject. A data member
    // that is last is cut from the end of the member before it (its comma included), or from just after
    // the brace when it is the only member.
    private static void CollectFromError(ref Utf8JsonReader reader, List<(int Start, int End)> cuts)
    {
        var previousEnd = (int)reader.BytesConsumed;
        var codeKeepsData = false;
        (int Start, int End)? lastData = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isData = reader.ValueTextEquals("data"u8);
            var isCode = reader.ValueTextEquals("code"u8);
            reader.Read();
            if (isCode)
            {
                codeKeepsData = reader.TokenType == JsonTokenType.Number
                    && reader.TryGetInt64(out var code)
                    && code is -32601 or -32603 or -32050;
            }

            reader.Skip();
            var end = (int)reader.BytesConsumed;
            lastData = isData ? (previousEnd, end) : null;
            previousEnd = end;
        }

        if (lastData is { } cut && !codeKeepsData)
        {
            cuts.Add(cut);
        }
    }

    private static byte[] Cut(byte[] bytes, List<(int Start, int End)> cuts)
    {
        var result = new List<byte>(bytes.Length);
        var position = 0;
        foreach (var (start, end) in cuts)
        {
            result.AddRange(bytes.AsSpan(position, start - position));
            position = end;
        }

        result.AddRange(bytes.AsSpan(position));
        return [.. result];
    }
}
