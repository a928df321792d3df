using Hub.Diagnostics;
using Hub.Protocol;
using Hub.Protocol.Diagnostics;

namespace Hub.Tests.Diagnostics;

/// <summary>Client-chosen text is cut short before it reaches a log message.</summary>
public sealed class LogTextTests
{
    [Fact]
    public void Text_of_64_characters_is_kept_whole()
    {
        var text = new string('a', 64);

        Assert.Equal(text, LogText.Cut(text));
    }

    [Fact]
    public void Longer_text_keeps_64_characters_and_its_length()
    {
        Assert.Equal(new string('a', 64) + "… (1048576 chars)", LogText.Cut(new string('a', 1024 * 1024)));
    }

    [Fact]
    public void Cut_never_splits_a_surrogate_pair()
    {
        var text = new string('a', 63) + "😀" + new string('b', 10);

        Assert.Equal(new string('a', 63) + "… (75 chars)", LogText.Cut(text));
    }

    [Fact]
    public void String_id_is_quoted_and_a_notification_is_named()
    {
        Assert.Equal("\"abc\"", LogText.Of(RequestId.FromString("abc")));
        Assert.Equal("(notification)", LogText.Of(null));
    }
}
