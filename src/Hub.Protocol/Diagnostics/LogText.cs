using System.Globalization;

namespace Hub.Protocol.Diagnostics;

/// <summary>
/// Text a peer chose (request ids, method names) as it goes into a log message: cut to <see cref="MaxChars"/>
/// characters and its length, since a peer may choose ids of up to a whole message and would otherwise have every
/// message it sends write that much to the log. One rule for the hub and the client.
/// </summary>
internal static class LogText
{
    /// <summary>How many characters of a peer-chosen value a log message keeps.</summary>
    public const int MaxChars = 64;

    /// <summary><paramref name="text"/> itself when short, else its first <see cref="MaxChars"/> characters, "…" and its length.</summary>
    public static string Cut(string text)
    {
        if (text.Length <= MaxChars)
        {
            return text;
        }

        // Never split a surrogate pair: half of one is not text a log sink can always write.
        var kept = char.IsHighSurrogate(text[MaxChars - 1]) ? MaxChars - 1 : MaxChars;
        return string.Concat(text.AsSpan(0, kept), "… (", text.Length.ToString(CultureInfo.InvariantCulture), " chars)");
    }

    /// <summary>A request id as the log shows it (a string id in quotes), cut like <see cref="Cut"/>; none is a notification.</summary>
    public static string Of(RequestId? id) => id is { } value ? Cut(value.ToString()) : "(notification)";
}
