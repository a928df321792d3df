using Hub.Tests.Support;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

/// <summary>
/// A batch over the hub's length limit gets one -32600 with id null (PROTOCOL.md section 3). The clients here wait
/// for ever by default, so only that error can end such a batch; a batch it missed would run into Waits.Max.
/// </summary>
public sealed class HubClientBatchLimitTests
{
    private static readonly Dictionary<string, string?> SmallBatches = new() { ["Hub:Engine:max-batch"] = "3" };

    private static readonly HubClientOptions NoTimeout = new() { DefaultTimeout = Timeout.InfiniteTimeSpan };

    [Fact]
    public async Task SendAsync_over_the_hub_limit_fails_every_call_at_once_with_the_hubs_error()
    {
        await using var hub = await TestHub.StartAsync(SmallBatches);
        await using var client = await HubClient.ConnectAsync(hub.WebSocketUri, NoTimeout);
        var batch = client.CreateBatch();
        var calls = Enumerable.Range(1, 4).Select(i => batch.Call<int>("add", [i, i])).ToArray();

        var error = await Assert.ThrowsAsync<HubRpcException>(() => batch.SendAsync().WaitAsync(Waits.Max));

        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, error.Code);
        foreach (var call in calls)
        {
            Assert.Same(error, await Assert.ThrowsAsync<HubRpcException>(() => call));
        }
    }

    [Fact]
    public async Task Refusal_fails_the_batch_over_the_limit_not_a_shorter_one_still_running()
    {
        await using var hub = await TestHub.StartAsync(SmallBatches);
        await using var client = await HubClient.ConnectAsync(hub.WebSocketUri, NoTimeout);
        var running = client.CreateBatch();
        var slept = running.Call<int>("sleep", [500]);
        var pong = running.Call<string>("ping");
        var tooLong = client.CreateBatch();
        var refused = Enumerable.Range(1, 4).Select(i => tooLong.Call<int>("add", [i, i])).ToArray();

        var runningSent = running.SendAsync();
        var tooLongSent = tooLong.SendAsync();

        await Assert.ThrowsAsync<HubRpcException>(() => tooLongSent.WaitAsync(Waits.Max));
        await runningSent.WaitAsync(Waits.Max);
        Assert.Equal(500, await slept);
        Assert.Equal("pong", await pong);
        await Assert.ThrowsAsync<HubRpcException>(() => refused[0]);
    }

    [Fact]
    public async Task Refusal_of_a_batch_of_notifications_fails_no_call()
    {
        await using var hub = await TestHub.StartAsync(SmallBatches);
        await using var client = await HubClient.ConnectAsync(hub.WebSocketUri, NoTimeout);
        var running = client.CreateBatch();
        var slept = running.Call<int>("sleep", [500]);
        var notifications = client.CreateBatch();
        for (var i = 0; i < 4; i++)
        {
            notifications.Notify("update", [i]);
        }

        var runningSent = running.SendAsync();
        await notifications.SendAsync().WaitAsync(Waits.Max);

        await runningSent.WaitAsync(Waits.Max);
        Assert.Equal(500, await slept);
    }

    [Fact]
    public async Task SendAsync_within_the_hub_limit_runs_after_a_refused_one()
    {
        await using var hub = await TestHub.StartAsync(SmallBatches);
        await using var client = await HubClient.ConnectAsync(hub.WebSocketUri, NoTimeout);
        var tooLong = client.CreateBatch();
        for (var i = 0; i < 4; i++)
        {
            _ = tooLong.Call("ping");
        }

        await Assert.ThrowsAsync<HubRpcException>(() => tooLong.SendAsync().WaitAsync(Waits.Max));
        var batch = client.CreateBatch();
        var sum = batch.Call<int>("add", [1, 2]);

        await batch.SendAsync().WaitAsync(Waits.Max);

        Assert.Equal(3, await sum);
    }
}
