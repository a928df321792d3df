using Newtonsoft.Json;
using Xunit;

namespace Hub.Tests.Client;

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
        Assert.Null(options.AccessTokenProvider);
        Assert.Empty(options.Endpoints);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), options.KeepAliveTimeout);
        Assert.Equal(CallsWhileReconnecting.Wait, options.CallsWhileReconnecting);
        Assert.Equal(1000, options.StreamBufferCapacity);
        Assert.Equal(1000, options.HandlerQueueCapacity);
        Assert.Equal(64, options.MaxServerCallsInFlight);
        Assert.Equal(8 * 1024 * 1024, options.MaxMessageBytes);
        Assert.Equal(64, options.MaxDepth);
        Assert.Null(options.Logger);
    }

    [Fact]
    public void ReconnectPolicy_defaults_match_documentation()
    {
        var policy = new HubClientOptions().Reconnect;

        Assert.True(policy.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.InitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.MaxDelay);
        Assert.Equal(2, policy.Multiplier);
        Assert.Equal(0.5, policy.Jitter);
        Assert.Null(policy.MaxAttempts);
        Assert.Null(policy.MaxElapsed);
        Assert.False(ReconnectPolicy.Disabled.Enabled);
    }

    [Fact]
    public void ReconnectPolicy_without_jitter_doubles_the_delay_up_to_the_cap()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10), Jitter = 0 };

        var delays = Enumerable.Range(1, 6).Select(policy.GetDelay).ToArray();

        Assert.Equal([1, 2, 4, 8, 10, 10], delays.Select(d => d.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.GetDelay(int.MaxValue));
    }

    [Fact]
    public void ReconnectPolicy_jitter_keeps_each_delay_between_its_share_and_the_backoff()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(4), MaxDelay = TimeSpan.FromSeconds(4), Jitter = 0.25 };

        var delays = Enumerable.Range(0, 1_000).Select(_ => policy.GetDelay(3)).ToArray();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4)));
        Assert.True(delays.Distinct().Count() > 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ReconnectPolicy_max_attempts_below_one_is_refused(int attempts)
    {
        var policy = new ReconnectPolicy();

        Assert.Throws<ArgumentOutOfRangeException>(() => policy.MaxAttempts = attempts);
    }

    [Fact]
    public void ReconnectPolicy_multiplier_below_one_and_jitter_above_one_are_refused()
    {
        var policy = new ReconnectPolicy();

        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Multiplier = 0.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Jitter = 1.5);
    }

    [Fact]
    public void HubClientOptions_stream_buffer_below_one_is_refused()
    {
        var options = new HubClientOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.StreamBufferCapacity = 0);
    }

    [Fact]
    public void HubClientOptions_handler_queue_server_calls_and_depth_below_one_are_refused()
    {
        var options = new HubClientOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.HandlerQueueCapacity = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxServerCallsInFlight = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxDepth = 0);
    }

    [Theory]
    [InlineData(1023)]
    [InlineData((1L << 30) + 1)]
    public void HubClientOptions_message_size_outside_1_KiB_to_1_GiB_is_refused(long bytes)
    {
        var options = new HubClientOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxMessageBytes = bytes);
    }

    [Fact]
    public void HubClient_with_an_unsupported_endpoint_scheme_throws_ArgumentException()
    {
        var options = new HubClientOptions { Endpoints = { new Uri("ftp://127.0.0.1/rpc") } };

        Assert.Throws<ArgumentException>(() => new HubClient(new Uri("ws://127.0.0.1/rpc"), options));
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
