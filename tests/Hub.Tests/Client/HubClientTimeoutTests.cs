using Hub.Tests.Support;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientTimeoutTests : IClassFixture<HubHostFixture>
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    private readonly HubHostFixture _hub;

    public HubClientTimeoutTests(HubHostFixture hub) => _hub = hub;

    public interface ITimed
    {
        [JsonRpcMethod("hang")]
        Task<JToken> HangAsync(HubCallOptions? options = null, CancellationToken cancellationToken = default);

        [JsonRpcMethod("echo")]
        Task<JToken> EchoAsync(int a, HubCallOptions? options, string b);

        [JsonRpcMethod("echo", ParamsByName = true)]
        Task<JToken> EchoByNameAsync(HubCallOptions options, int a);

        [JsonRpcMethod("echo")]
        Task<JToken> NothingAsync(HubCallOptions options);
    }

    public interface ITwoOptions
    {
        Task EchoAsync(HubCallOptions first, HubCallOptions second);
    }

    [Theory]
    [InlineData("CallAsync<T>")]
    [InlineData("CallAsync<T> by position")]
    [InlineData("CallByNameAsync<T>")]
    [InlineData("CallAsync")]
    [InlineData("CallAsync by position")]
    [InlineData("CallByNameAsync")]
    [InlineData("Dynamic")]
    [InlineData("typed proxy")]
    [InlineData("batch")]
    public async Task Call_with_options_timeout_throws_TimeoutException_though_the_default_is_infinite(string style)
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { DefaultTimeout = Timeout.InfiniteTimeSpan });
        var options = new HubCallOptions { Timeout = Short };

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Hang(client, options, style).WaitAsync(Waits.Max));

        Assert.Contains(Short.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_timeout_longer_than_the_default_lets_a_slow_reply_through()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { DefaultTimeout = TimeSpan.FromMilliseconds(100) });
        var call = client.CallAsync<string[]>(new HubCallOptions { Timeout = Waits.Max }, "gated", ["slow"]);
        await server.WaitForRequestAsync("gated");
        Assert.NotSame(call, await Task.WhenAny(call, Task.Delay(Waits.Quiet)));

        await server.OpenGateAsync();

        Assert.Equal(["slow"], await call.WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Options_without_timeout_use_the_default_timeout()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { DefaultTimeout = Short });

        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.CallAsync(new HubCallOptions(), "hang").WaitAsync(Waits.Max));

        Assert.Contains(Short.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Late_reply_from_hub_after_options_timeout_is_dropped_quietly()
    {
        var logger = new CapturingLogger();
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri, new HubClientOptions { Logger = logger });
        await Assert.ThrowsAsync<TimeoutException>(
            () => client.CallAsync<int>(new HubCallOptions { Timeout = TimeSpan.FromMilliseconds(100) }, "sleep", [500]).WaitAsync(Waits.Max));

        var dropped = await logger.WaitForAsync(e => e.EventId.Name == "IgnoredReply");

        Assert.Equal(LogLevel.Trace, dropped.Level);
        Assert.Equal("pong", await client.CallAsync<string>("ping").WaitAsync(Waits.Max));
        Assert.True(client.IsConnected);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Batch_with_options_timeout_times_out_the_unanswered_call_while_others_complete()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { DefaultTimeout = Timeout.InfiniteTimeSpan });
        var batch = client.CreateBatch();
        var hanging = batch.Call("hang");
        var sum = batch.Call<long>("add", [20, 22]);

        await batch.SendAsync(new HubCallOptions { Timeout = Short }).WaitAsync(Waits.Max);

        Assert.Equal(42, await sum);
        await Assert.ThrowsAsync<TimeoutException>(() => hanging);
    }

    [Fact]
    public async Task NotifyAsync_with_options_timeout_while_reconnecting_throws_TimeoutException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var clientOptions = HubClientReconnectTests.Fast();
        clientOptions.DefaultTimeout = Timeout.InfiniteTimeSpan;
        await using var client = new HubClient(server.Uri, clientOptions);
        var states = await StateRecorder.StartAsync(client);
        server.RefuseConnections = true;
        await server.AbortAsync();
        await states.NextAsync(HubConnectionState.Reconnecting);

        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => client.NotifyAsync(new HubCallOptions { Timeout = Short }, "update", [1]).WaitAsync(Waits.Max));

        Assert.Contains(Short.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Typed_proxy_options_parameter_is_not_sent()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var proxy = client.CreateProxy<ITimed>();

        var echoed = await proxy.EchoAsync(1, new HubCallOptions { Timeout = Waits.Max }, "two").WaitAsync(Waits.Max);

        Assert.True(JToken.DeepEquals(new JArray(1, "two"), echoed));
    }

    [Fact]
    public async Task Typed_proxy_options_parameter_is_not_sent_by_name()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var proxy = client.CreateProxy<ITimed>();

        var echoed = await proxy.EchoByNameAsync(new HubCallOptions { Timeout = Waits.Max }, 1).WaitAsync(Waits.Max);

        Assert.True(JToken.DeepEquals(new JObject { ["a"] = 1 }, echoed));
    }

    [Fact]
    public async Task Typed_proxy_method_with_only_options_sends_no_params()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await client.CreateProxy<ITimed>().NothingAsync(new HubCallOptions()).WaitAsync(Waits.Max);

        Assert.False((await server.WaitForRequestAsync("echo")).ContainsKey("params"));
    }

    [Fact]
    public async Task Typed_proxy_with_null_options_uses_the_default_timeout()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { DefaultTimeout = Short });

        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.CreateProxy<ITimed>().HangAsync(options: null).WaitAsync(Waits.Max));

        Assert.Contains(Short.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dynamic_options_argument_is_not_sent_among_named_arguments()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        JToken echoed = await client.Dynamic.echo(a: 1, options: new HubCallOptions { Timeout = Waits.Max });

        Assert.True(JToken.DeepEquals(new JObject { ["a"] = 1 }, echoed));
    }

    [Fact]
    public async Task CreateProxy_with_two_options_parameters_throws_ArgumentException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var error = Assert.Throws<ArgumentException>(() => client.CreateProxy<ITwoOptions>());

        Assert.Contains("HubCallOptions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_with_null_options_throws_ArgumentNullException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await Assert.ThrowsAsync<ArgumentNullException>(() => client.CallAsync<int>(null!, "add", [1, 2]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Options_timeout_zero_or_negative_throws_ArgumentOutOfRangeException(int milliseconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HubCallOptions { Timeout = TimeSpan.FromMilliseconds(milliseconds) });
    }

    [Fact]
    public void Options_timeout_accepts_infinite_and_null()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, new HubCallOptions { Timeout = Timeout.InfiniteTimeSpan }.Timeout);
        Assert.Null(new HubCallOptions().Timeout);
    }

    /// <summary>Calls the plain server's <c>hang</c> (never answered) in the given style, with <paramref name="options"/>.</summary>
    private static async Task Hang(HubClient client, HubCallOptions options, string style)
    {
        switch (style)
        {
            case "CallAsync<T>":
                await client.CallAsync<string>(options, "hang");
                break;
            case "CallAsync<T> by position":
                await client.CallAsync<string>(options, "hang", [1]);
                break;
            case "CallByNameAsync<T>":
                await client.CallByNameAsync<string>(options, "hang", new { a = 1 });
                break;
            case "CallAsync":
                await client.CallAsync(options, "hang");
                break;
            case "CallAsync by position":
                await client.CallAsync(options, "hang", [1]);
                break;
            case "CallByNameAsync":
                await client.CallByNameAsync(options, "hang", new { a = 1 });
                break;
            case "Dynamic":
                await (Task<JToken>)client.Dynamic.hang(1, options);
                break;
            case "typed proxy":
                await client.CreateProxy<ITimed>().HangAsync(options);
                break;
            case "batch":
                var batch = client.CreateBatch();
                var call = batch.Call("hang");
                await batch.SendAsync(options);
                await call;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(style), style, "No such call style.");
        }
    }
}
