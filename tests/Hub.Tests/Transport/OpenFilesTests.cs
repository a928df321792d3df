using Hub.Host.Transport;

namespace Hub.Tests.Transport;

public sealed class OpenFilesTests
{
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max open files            1500                 4096                 files
        Max locked memory         8388608              8388608              bytes
        """;

    [Fact]
    public void The_soft_limit_is_read_from_the_open_files_line()
    {
        Assert.Equal(1500, OpenFiles.Parse(Limits));
    }

    [Fact]
    public void An_unlimited_or_missing_limit_reads_as_none()
    {
        Assert.Null(OpenFiles.Parse(Limits.Replace("1500     ", "unlimited", StringComparison.Ordinal)));
        Assert.Null(OpenFiles.Parse("Limit  Soft Limit  Hard Limit  Units\n"));
    }

    [Theory]
    [InlineData(1_500, 300, 256, 64, 880)]
    [InlineData(20_000, 300, 400, 193, 19_107)]
    [InlineData(1_048_576, 300, 20_971, 1_024, 1_026_281)]
    public void The_caps_keep_the_files_in_use_and_a_headroom_free(long limit, long inUse, long headroom, int other, int webSockets)
    {
        var files = new OpenFiles(limit, inUse);

        Assert.Equal(headroom, files.Headroom);
        Assert.Equal(other, files.OtherConnections);
        Assert.Equal(webSockets, files.WebSockets);
        Assert.True(inUse + headroom + other + webSockets <= limit);
    }

    [Fact]
    public void A_limit_below_what_is_in_use_still_leaves_one_websocket_and_kestrel_a_floor()
    {
        var files = new OpenFiles(300, 310);

        Assert.Equal(64, files.OtherConnections);
        Assert.Equal(1, files.WebSockets);
    }

    [Fact]
    public void Without_a_limit_nothing_is_capped()
    {
        var files = new OpenFiles(null, 300);

        Assert.Null(files.OtherConnections);
        Assert.Equal(int.MaxValue, files.WebSockets);
    }

    [Fact]
    public void This_process_reads_its_own_limit_and_descriptors()
    {
        var files = OpenFiles.OfThisProcess();

        Assert.NotNull(files.Limit);
        Assert.InRange(files.InUse, 3, files.Limit!.Value);
    }
}
