using Hub.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientBatchTests : IClassFixture<HubHostFixture>
{
    private readonly HubHostFixture _hub;

    public HubClientBatchTests(HubHostFixture hub) => _hub = hub;

    [Fact]
    public async Task SendAsync_sends_calls_and_notifications_in_one_frame_in_order()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var batch = client.CreateBatch();
        var sum = batch.Call<long>("add", [1, 2]);
        batch.Notify("update", [1, 2, 3]);
        var echoed = batch.CallByName("echo", new { text = "hi" });

        await batch.SendAsync().WaitAsync(Waits.Max);

        Assert.Equal(3, await sum);
        Assert.True(JToken.DeepEquals(new JObject { ["text"] = "hi" }, await echoed));
        var frame = Assert.Single(server.Batches);
        Assert.Equal(["add", "update", "echo"], frame.Select(entry => (string?)entry["method"]));
        Assert.False(((JObject)frame[1]).ContainsKey("id"));
        Assert.NotEqual((long)frame[0]["id"]!, (long)frame[2]["id"]!);
    }

    [Fact]
    public async Task SendAsync_against_hub_gives_each_call_its_own_result_or_error()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);
        var batch = client.CreateBatch();
        var sum = batch.Call<double>("add", [1, 2]);
        var refused = batch.Call("computer_says_no");
        var difference = batch.CallByName<double>("subtract", new { minuend = 42, subtrahend = 23 });
        var unknown = batch.Call("no_such_method");
        batch.Notify("notify_hello", [7]);

        await batch.SendAsync().WaitAsync(Waits.Max);

        Assert.Equal(3, await sum);
        Assert.Equal(19, await difference);
        Assert.Equal(-32050, (await Assert.ThrowsAsync<HubRpcException>(() => refused)).Code);
        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, (await Assert.ThrowsAsync<HubRpcException>(() => unknown)).Code);
    }

    [Fact]
    public async Task SendAsync_with_notifications_only_completes_once_sent()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);
        var batch = client.CreateBatch();
        batch.Notify("update", [1]);
        batch.NotifyByName("notify_hello", new { greeting = "hello" });

        await batch.SendAsync().WaitAsync(Waits.Max);

        Assert.Equal("pong", await client.CallAsync<string>("ping").WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task SendAsync_result_that_does_not_convert_fails_only_that_call()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);
        var batch = client.CreateBatch();
        var wrongType = batch.Call<int[]>("ping");
        var pong = batch.Call<string>("ping");

        await batch.SendAsync().WaitAsync(Waits.Max);

        await Assert.ThrowsAnyAsync<Newtonsoft.Json.JsonException>(() => wrongType);
        Assert.Equal("pong", await pong);
    }

    [Fact]
    public async Task SendAsync_unanswered_call_times_out_while_others_complete()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = new HubClientOptions { DefaultTimeout = TimeSpan.FromMilliseconds(300) };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);
        var batch = client.CreateBatch();
        var hanging = batch.Call("hang");
        var sum = batch.Call<long>("add", [20, 22]);

        await batch.SendAsync().WaitAsync(Waits.Max);

        Assert.Equal(42, await sum);
        await Assert.ThrowsAsync<TimeoutException>(() => hanging);
    }

    [Fact]
    public async Task SendAsync_cancelled_cancels_unanswered_calls()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        using var cancellation = new CancellationTokenSource();
        var batch = client.CreateBatch();
        var hanging = batch.Call("hang");
        var sending = batch.SendAsync(cancellation.Token);
        await server.WaitForRequestAsync("hang");

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(Waits.Max));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging.WaitAsync(Waits.Max));
        Assert.True(hanging.IsCanceled);
    }

    [Fact]
    public async Task SendAsync_connection_lost_fails_calls_with_HubConnectionException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var batch = client.CreateBatch();
        var hanging = batch.Call("hang");
        var sending = batch.SendAsync();
        await server.WaitForRequestAsync("hang");

        await server.AbortAsync();

        await sending.WaitAsync(Waits.Max);
        await Assert.ThrowsAsync<HubConnectionException>(() => hanging.WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task SendAsync_of_empty_batch_throws_InvalidOperationException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        Assert.Throws<InvalidOperationException>(() => { _ = client.CreateBatch().SendAsync(); });
    }

    [Fact]
    public async Task Batch_once_sent_refuses_more_entries_and_a_second_send()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var batch = client.CreateBatch();
        var echoed = batch.Call("echo", [1]);
        await batch.SendAsync().WaitAsync(Waits.Max);

        Assert.Throws<InvalidOperationException>(() => { _ = batch.Call("echo", [2]); });
        Assert.Throws<InvalidOperationException>(() => { _ = batch.SendAsync(); });
        Assert.Single(server.Batches);
        Assert.True(JToken.DeepEquals(new JArray(1), await echoed));
    }
}
