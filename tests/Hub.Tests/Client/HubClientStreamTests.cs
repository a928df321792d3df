using Hub.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientStreamTests
{
    [Fact]
    public async Task Subscribe_stream_against_hub_yields_retained_value_then_published_data()
    {
        await using var hub = await TestHub.StartAsync();
        await using var client = await HubClient.ConnectAsync(hub.WebSocketUri);
        await client.CallAsync<bool>("publish", ["demo", new { n = 0 }, true]).WaitAsync(Waits.Max);
        await using var stream = client.Subscribe<JObject>("demo").GetAsyncEnumerator();

        // The retained value comes first, so once it is here the subscription is in place.
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        Assert.Equal(0, (int?)stream.Current?["n"]);
        await client.CallAsync<bool>("publish", ["demo", new { n = 1 }]).WaitAsync(Waits.Max);
        await client.CallAsync<bool>("publish", ["demo", new { n = 2 }]).WaitAsync(Waits.Max);

        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        Assert.Equal(1, (int?)stream.Current?["n"]);
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        Assert.Equal(2, (int?)stream.Current?["n"]);
    }

    [Fact]
    public async Task Subscribe_stream_slow_consumer_gets_what_was_buffered_then_HubSubscriptionOverflowException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        server.Retain("ticks", new JObject { ["n"] = -1 });
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { StreamBufferCapacity = 4 });
        await using var stream = client.Subscribe<JObject>("ticks").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        var lastSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var marker = await client.SubscribeAsync<JObject>("ticks", data =>
        {
            if ((int?)data?["n"] == 9)
            {
                lastSeen.TrySetResult();
            }
        }).WaitAsync(Waits.Max);

        // Nobody reads the stream while ten arrive; the marker handler runs after the stream's for each one.
        for (var n = 0; n < 10; n++)
        {
            await server.PublishAsync("ticks", new JObject { ["n"] = n });
        }

        await lastSeen.Task.WaitAsync(Waits.Max);
        var received = new List<int>();
        var error = await Assert.ThrowsAsync<HubSubscriptionOverflowException>(async () =>
        {
            while (await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max))
            {
                received.Add((int)stream.Current!["n"]!);
            }
        });
        Assert.Equal([0, 1, 2, 3], received);
        Assert.Equal("ticks", error.Topic);
        Assert.Equal(4, error.Capacity);
    }

    [Fact]
    public async Task Subscribe_stream_overflow_leaves_other_handlers_of_the_topic_subscribed()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        server.Retain("ticks", new JObject { ["n"] = -1 });
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { StreamBufferCapacity = 1 });
        await using var stream = client.Subscribe<JObject>("ticks").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        var seen = System.Threading.Channels.Channel.CreateUnbounded<int>();
        await using var other = await client.SubscribeAsync<JObject>("ticks", data => seen.Writer.TryWrite((int)data!["n"]!)).WaitAsync(Waits.Max);
        for (var n = 0; n < 3; n++)
        {
            await server.PublishAsync("ticks", new JObject { ["n"] = n });
        }

        await server.PublishAsync("ticks", new JObject { ["n"] = 3 });

        for (var n = 0; n < 4; n++)
        {
            Assert.Equal(n, await seen.Reader.ReadAsync().AsTask().WaitAsync(Waits.Max));
        }

        Assert.Equal(0, server.CountRequests("unsubscribe"));
    }

    [Fact]
    public async Task Subscribe_stream_cancelled_ends_with_OperationCanceledException_and_unsubscribes()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        server.Retain("ticks", new JObject { ["n"] = 0 });
        await using var client = await HubClient.ConnectAsync(server.Uri);
        using var cancellation = new CancellationTokenSource();
        await using var stream = client.Subscribe<JObject>("ticks", cancellation.Token).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        var next = stream.MoveNextAsync().AsTask();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Waits.Max));
        var unsubscribe = await server.WaitForRequestAsync("unsubscribe");
        Assert.True(JToken.DeepEquals(new JArray("ticks"), unsubscribe["params"]));
    }

    [Fact]
    public async Task Subscribe_stream_ends_quietly_when_the_client_is_disposed()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        server.Retain("ticks", new JObject { ["n"] = 0 });
        var client = await HubClient.ConnectAsync(server.Uri);
        await using var stream = client.Subscribe<JObject>("ticks").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        var next = stream.MoveNextAsync().AsTask();

        await client.DisposeAsync().AsTask().WaitAsync(Waits.Max);

        Assert.False(await next.WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Subscribe_stream_ends_with_HubConnectionException_when_the_connection_ends_for_good()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        server.Retain("ticks", new JObject { ["n"] = 0 });
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { Reconnect = ReconnectPolicy.Disabled });
        await using var stream = client.Subscribe<JObject>("ticks").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        var next = stream.MoveNextAsync().AsTask();

        await server.AbortAsync();

        await Assert.ThrowsAsync<HubConnectionException>(() => next.WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Subscribe_stream_data_of_wrong_shape_is_reported_and_skipped()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        server.Retain("ticks", new JObject { ["n"] = 0 });
        var reported = new TaskCompletionSource<(string Topic, Exception Error)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { OnHandlerError = (topic, e) => reported.TrySetResult((topic, e)) });
        await using var stream = client.Subscribe<JObject>("ticks").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));

        await server.PublishAsync("ticks", new JArray(1, 2));
        await server.PublishAsync("ticks", new JObject { ["n"] = 2 });

        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        Assert.Equal(2, (int?)stream.Current?["n"]);
        var (topic, error) = await reported.Task.WaitAsync(Waits.Max);
        Assert.Equal("ticks", topic);
        Assert.IsAssignableFrom<Newtonsoft.Json.JsonException>(error);
    }

    [Fact]
    public async Task Subscribe_stream_of_refused_topic_throws_HubRpcException_on_first_move()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await using var stream = client.Subscribe<JObject>("forbidden").GetAsyncEnumerator();

        var error = await Assert.ThrowsAsync<HubRpcException>(() => stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, error.Code);
    }
}
