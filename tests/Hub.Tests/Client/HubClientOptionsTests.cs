using Newtonsoft.Json;
using Xunit;

namespace Hub.Tests.Client;

// Inside the namespace, so Hub.Client's types win over the server's Hub.HubRpcException.
using Hub.Client;

public sealed class HubClientOptionsTests
{
    [Fact]
    public void HubClientOptions_defaults_match_documentation()
    {
        var options = new HubClientOptions();

        Assert.Equal(TimeSpan.FromSeconds(30), options.DefaultTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CloseTimeout);
        Assert.Null(options.AccessToken);
        Assert.Empty(options.RequestHeaders);
        Assert.NotNull(options.SerializerSettings);
        Assert.Null(options.OnHandlerError);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void HubClientOptions_non_positive_timeout_is_refused(int milliseconds)
    {
        var options = new HubClientOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.DefaultTimeout = TimeSpan.FromMilliseconds(milliseconds));
    }

    [Fact]
    public void HubClientOptions_infinite_timeout_is_accepted()
    {
        var options = new HubClientOptions { DefaultTimeout = Timeout.InfiniteTimeSpan };

        Assert.Equal(Timeout.InfiniteTimeSpan, options.DefaultTimeout);
    }

    [Fact]
    public void HubClientOptions_negative_close_timeout_is_refused()
    {
        var options = new HubClientOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.CloseTimeout = TimeSpan.FromSeconds(-1));
    }

    [Fact]
    public void HubClientOptions_request_header_names_ignore_case()
    {
        var options = new HubClientOptions { RequestHeaders = { ["X-Test"] = "a" } };

        options.RequestHeaders["x-test"] = "b";

        Assert.Equal("b", Assert.Single(options.RequestHeaders).Value);
    }

    [Fact]
    public void HubClientOptions_null_serializer_settings_are_refused()
    {
        var options = new HubClientOptions();

        Assert.Throws<ArgumentNullException>(() => options.SerializerSettings = null!);
        Assert.IsType<JsonSerializerSettings>(options.SerializerSettings);
    }
}
