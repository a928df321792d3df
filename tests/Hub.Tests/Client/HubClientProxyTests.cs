using Hub.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientProxyTests : IClassFixture<HubHostFixture>
{
    private readonly HubHostFixture _hub;

    public HubClientProxyTests(HubHostFixture hub) => _hub = hub;

    public interface ICalculator
    {
        [JsonRpcMethod("subtract")]
        Task<double> SubtractAsync(double minuend, double subtrahend, CancellationToken cancellationToken = default);

        [JsonRpcMethod("subtract", ParamsByName = true)]
        Task<double> SubtractByNameAsync(double subtrahend, double minuend);

        [JsonRpcMethod("add")]
        Task<int> AddAsync(int a, int b);

        [JsonRpcMethod("echo")]
        Task<JToken> EchoAsync(string text, int number);

        [JsonRpcMethod("sleep")]
        Task<int> SleepAsync(int ms, CancellationToken cancellationToken);

        [JsonRpcMethod("computer_says_no")]
        Task RefuseAsync();

        // No attribute: the name is the C# name less "Async".
        Task<string> ping();
    }

    public interface IExtendedCalculator : ICalculator
    {
        [JsonRpcMethod("get_data")]
        Task<object[]> GetDataAsync();
    }

    public interface IEcho
    {
        [JsonRpcMethod("echo")]
        Task<JToken> PositionalAsync(int a, string b, CancellationToken cancellationToken = default);

        [JsonRpcMethod("echo", ParamsByName = true)]
        Task<JToken> NamedAsync(int a, string b, CancellationToken cancellationToken = default);

        [JsonRpcMethod("echo")]
        Task<JToken> NothingAsync(CancellationToken cancellationToken = default);

        [JsonRpcMethod("update")]
        Task UpdateAsync(int value);
    }

    public interface IHasProperty
    {
        int Value { get; }
    }

    public interface IReturnsInt
    {
        int Add(int a, int b);
    }

    [Fact]
    public async Task Dynamic_positional_arguments_become_params_by_position()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);

        JToken difference = await client.Dynamic.subtract(42, 23);

        Assert.Equal(19, (double)difference);
    }

    [Fact]
    public async Task Dynamic_named_arguments_become_params_by_name()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);

        JToken difference = await client.Dynamic.subtract(subtrahend: 23, minuend: 42);

        Assert.Equal(19, (double)difference);
    }

    [Fact]
    public async Task Dynamic_call_without_arguments_returns_result()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);

        JToken pong = await client.Dynamic.ping();
        JToken echoed = await client.Dynamic.echo("one", 2);

        Assert.Equal("pong", (string?)pong);
        Assert.True(JToken.DeepEquals(new JArray("one", 2), echoed));
    }

    [Fact]
    public async Task Dynamic_error_reply_throws_HubRpcException()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);

        Task<JToken> call = client.Dynamic.computer_says_no();

        Assert.Equal(-32050, (await Assert.ThrowsAsync<HubRpcException>(() => call.WaitAsync(Waits.Max))).Code);
    }

    [Fact]
    public async Task Dynamic_mixed_positional_and_named_arguments_throw_ArgumentException()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);

        Assert.Throws<ArgumentException>(() => (object)client.Dynamic.subtract(42, subtrahend: 23));
    }

    [Fact]
    public async Task Dynamic_cancellation_token_argument_cancels_the_call()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        using var cancellation = new CancellationTokenSource();

        Task<JToken> call = client.Dynamic.hang(1, cancellation.Token);
        var request = await server.WaitForRequestAsync("hang");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Waits.Max));
        Assert.True(JToken.DeepEquals(new JArray(1), request["params"]));
    }

    [Fact]
    public async Task Typed_proxy_calls_hub_methods_by_attribute_and_default_names()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);
        var calculator = client.CreateProxy<ICalculator>();

        var difference = await calculator.SubtractAsync(42, 23).WaitAsync(Waits.Max);
        var byName = await calculator.SubtractByNameAsync(subtrahend: 23, minuend: 42).WaitAsync(Waits.Max);
        var sum = await calculator.AddAsync(40, 2).WaitAsync(Waits.Max);
        var echoed = await calculator.EchoAsync("text", 7).WaitAsync(Waits.Max);
        var pong = await calculator.ping().WaitAsync(Waits.Max);

        Assert.Equal(19, difference);
        Assert.Equal(19, byName);
        Assert.Equal(42, sum);
        Assert.True(JToken.DeepEquals(new JArray("text", 7), echoed));
        Assert.Equal("pong", pong);
    }

    [Fact]
    public async Task Typed_proxy_task_method_error_throws_HubRpcException()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);
        var calculator = client.CreateProxy<ICalculator>();

        var error = await Assert.ThrowsAsync<HubRpcException>(() => calculator.RefuseAsync().WaitAsync(Waits.Max));

        Assert.Equal(-32050, error.Code);
        Assert.Equal("Computer says no.", error.Message);
    }

    [Fact]
    public async Task Typed_proxy_cancellation_token_parameter_cancels_the_call()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);
        var calculator = client.CreateProxy<ICalculator>();
        using var cancellation = new CancellationTokenSource();

        var sleeping = calculator.SleepAsync(2_000, cancellation.Token);
        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleeping.WaitAsync(Waits.Max));
        Assert.Equal(cancellation.Token, error.CancellationToken);
    }

    [Fact]
    public async Task Typed_proxy_serves_inherited_interface_methods()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);
        var calculator = client.CreateProxy<IExtendedCalculator>();

        var data = await calculator.GetDataAsync().WaitAsync(Waits.Max);
        var sum = await calculator.AddAsync(1, 1).WaitAsync(Waits.Max);

        Assert.Equal("hello", data[0]);
        Assert.Equal(2, sum);
    }

    [Fact]
    public async Task Typed_proxy_sends_params_by_position_by_name_or_none_and_never_the_token()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var echo = client.CreateProxy<IEcho>();

        var positional = await echo.PositionalAsync(1, "two").WaitAsync(Waits.Max);
        var named = await echo.NamedAsync(1, "two", CancellationToken.None).WaitAsync(Waits.Max);
        var nothing = await echo.NothingAsync().WaitAsync(Waits.Max);

        Assert.True(JToken.DeepEquals(new JArray(1, "two"), positional));
        Assert.True(JToken.DeepEquals(new JObject { ["a"] = 1, ["b"] = "two" }, named));
        Assert.Equal(JTokenType.Null, nothing.Type);
        var request = await server.WaitForMessageAsync(m => (string?)m["method"] == "echo" && m["params"] is null);
        Assert.False(request.ContainsKey("params"));
    }

    [Fact]
    public async Task CreateProxy_of_a_class_throws_ArgumentException()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);

        Assert.Throws<ArgumentException>(() => client.CreateProxy<object>());
    }

    [Fact]
    public async Task CreateProxy_of_interface_with_a_property_throws_ArgumentException()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);

        Assert.Throws<ArgumentException>(() => client.CreateProxy<IHasProperty>());
    }

    [Fact]
    public async Task CreateProxy_of_interface_with_a_method_not_returning_a_task_throws_ArgumentException()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);

        var error = Assert.Throws<ArgumentException>(() => client.CreateProxy<IReturnsInt>());

        Assert.Contains("Add", error.Message, StringComparison.Ordinal);
    }
}
