using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Integration;

// Inside the namespace, so Hub.Client's types win over the server's Hub.HubRpcException.
using Hub.Client;

/// <summary>Hub.Client against a real hub: what a .NET user does first.</summary>
public sealed class ClientIntegrationTests : IClassFixture<HubHostFixture>
{
    private readonly HubHostFixture _fixture;

    public ClientIntegrationTests(HubHostFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Calls_by_position_and_by_name_return_results()
    {
        await using var client = await HubClient.ConnectAsync(_fixture.WebSocketUri);

        var byPosition = await client.CallAsync<double>("subtract", [42, 23]).WaitAsync(Waits.Max);
        var byName = await client.CallByNameAsync<double>("subtract", new { subtrahend = 23, minuend = 42 }).WaitAsync(Waits.Max);

        Assert.Equal(19, byPosition);
        Assert.Equal(19, byName);
    }

    [Fact]
    public async Task Handler_exception_surfaces_as_32603_and_the_client_goes_on()
    {
        await using var client = await HubClient.ConnectAsync(_fixture.WebSocketUri);

        var error = await Assert.ThrowsAsync<HubRpcException>(() => client.CallAsync<double>("divide", [1, 0]).WaitAsync(Waits.Max));
        var pong = await client.CallAsync<string>("ping").WaitAsync(Waits.Max);

        Assert.Equal(-32603, error.Code);
        Assert.Equal("Internal error", error.Message);
        Assert.Equal("pong", pong);
    }

    [Fact]
    public async Task Subscriber_receives_what_another_client_publishes_and_nothing_after_unsubscribing()
    {
        await using var subscriber = await HubClient.ConnectAsync(_fixture.WebSocketUri);
        await using var publisher = await HubClient.ConnectAsync(_fixture.WebSocketUri);
        var received = System.Threading.Channels.Channel.CreateUnbounded<JObject?>();
        var subscription = await subscriber.SubscribeAsync<JObject>("bench", data => received.Writer.TryWrite(data)).WaitAsync(Waits.Max);

        await publisher.CallAsync<bool>("publish", ["bench", new { n = 1 }]).WaitAsync(Waits.Max);
        var first = await received.Reader.ReadAsync().AsTask().WaitAsync(Waits.Max);
        await subscription.DisposeAsync();
        await publisher.CallAsync<bool>("publish", ["bench", new { n = 2 }]).WaitAsync(Waits.Max);
        var subscriptions = await subscriber.CallAsync<string[]>("get_subscriptions").WaitAsync(Waits.Max);

        Assert.Equal(1, (int)first!["n"]!);
        Assert.Empty(subscriptions);
        Assert.False(received.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Clock_topic_ticks_with_utc_milliseconds()
    {
        await using var client = await HubClient.ConnectAsync(_fixture.WebSocketUri);
        var tick = new TaskCompletionSource<JObject?>(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var subscription = await client.SubscribeAsync<JObject>("clock", data => tick.TrySetResult(data)).WaitAsync(Waits.Max);
        var time = (string)(await tick.Task.WaitAsync(Waits.Max))!["time"]!;

        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", time);
    }
}
