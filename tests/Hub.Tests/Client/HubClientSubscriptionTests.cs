using System.Threading.Channels;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientSubscriptionTests
{
    [Fact]
    public async Task SubscribeAsync_handler_receives_published_data()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var received = new TaskCompletionSource<Quote?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.SubscribeAsync<Quote>("prices", quote => received.TrySetResult(quote)).WaitAsync(Waits.Max);

        await server.PublishAsync("prices", new JObject { ["symbol"] = "ACME", ["price"] = 12.5 });

        var quote = await received.Task.WaitAsync(Waits.Max);
        Assert.Equal("ACME", quote?.Symbol);
        Assert.Equal(12.5, quote?.Price);
    }

    [Fact]
    public async Task SubscribeAsync_sends_subscribe_with_topic_by_position()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await using var subscription = await client.SubscribeAsync<JToken>("prices", _ => { }).WaitAsync(Waits.Max);

        var request = await server.WaitForRequestAsync("subscribe");
        Assert.True(JToken.DeepEquals(new JArray("prices"), request["params"]));
        Assert.True(request.ContainsKey("id"));
    }

    [Fact]
    public async Task SubscribeAsync_async_handler_receives_notifications_in_order()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var received = Channel.CreateUnbounded<int>();
        await using var subscription = await client.SubscribeAsync<JObject>("counter", async data =>
        {
            await Task.Yield();
            await received.Writer.WriteAsync((int)data!["n"]!);
        }).WaitAsync(Waits.Max);

        for (var n = 0; n < 50; n++)
        {
            await server.PublishAsync("counter", new JObject { ["n"] = n });
        }

        for (var n = 0; n < 50; n++)
        {
            Assert.Equal(n, await received.Reader.ReadAsync().AsTask().WaitAsync(Waits.Max));
        }
    }

    [Fact]
    public async Task SubscribeAsync_retained_value_sent_before_reply_reaches_handler()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        server.Retain("status", new JObject { ["state"] = "green" });
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var received = new TaskCompletionSource<JObject?>(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var subscription = await client.SubscribeAsync<JObject>("status", data => received.TrySetResult(data)).WaitAsync(Waits.Max);

        var data = await received.Task.WaitAsync(Waits.Max);
        Assert.Equal("green", (string?)data?["state"]);
    }

    [Fact]
    public async Task SubscribeAsync_notification_without_params_passes_default()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var received = new TaskCompletionSource<JObject?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.SubscribeAsync<JObject>("cleared", data => received.TrySetResult(data)).WaitAsync(Waits.Max);

        await server.PublishAsync("cleared", null);

        Assert.Null(await received.Task.WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task SubscribeAsync_several_handlers_share_one_server_subscription()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var first = new TaskCompletionSource<JArray?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<JArray?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var one = await client.SubscribeAsync<JArray>("news", data => first.TrySetResult(data)).WaitAsync(Waits.Max);
        await using var two = await client.SubscribeAsync<JArray>("news", data => second.TrySetResult(data)).WaitAsync(Waits.Max);

        await server.PublishAsync("news", new JArray("extra"));

        Assert.Equal("extra", (string?)(await first.Task.WaitAsync(Waits.Max))?[0]);
        Assert.Equal("extra", (string?)(await second.Task.WaitAsync(Waits.Max))?[0]);
        Assert.Equal(1, server.CountRequests("subscribe"));
    }

    [Fact]
    public async Task SubscribeAsync_disposing_last_handler_sends_unsubscribe_and_stops_delivery()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var disposedCalls = 0;
        var subscription = await client.SubscribeAsync<JObject>("news", _ => Interlocked.Increment(ref disposedCalls)).WaitAsync(Waits.Max);
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var other = await client.SubscribeAsync<JObject>("other", _ => marker.TrySetResult()).WaitAsync(Waits.Max);

        await subscription.DisposeAsync().AsTask().WaitAsync(Waits.Max);
        await server.SendRawAsync("""{"jsonrpc":"2.0","method":"news","params":{}}""");
        await server.PublishAsync("other", new JObject());

        var unsubscribe = await server.WaitForRequestAsync("unsubscribe");
        Assert.True(JToken.DeepEquals(new JArray("news"), unsubscribe["params"]));
        Assert.Equal(0, await server.PublishAsync("news", new JObject()));
        await marker.Task.WaitAsync(Waits.Max);
        Assert.Equal(0, Volatile.Read(ref disposedCalls));
    }

    [Fact]
    public async Task SubscribeAsync_disposed_handler_skips_notifications_already_received()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blockerEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lateCalls = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var blocker = await client.SubscribeAsync<JObject>("first", async _ =>
        {
            blockerEntered.TrySetResult();
            await gate.Task;
        }).WaitAsync(Waits.Max);
        var late = await client.SubscribeAsync<JObject>("second", _ => Interlocked.Increment(ref lateCalls)).WaitAsync(Waits.Max);
        await using var last = await client.SubscribeAsync<JObject>("third", _ => done.TrySetResult()).WaitAsync(Waits.Max);
        await server.PublishAsync("first", new JObject());
        await blockerEntered.Task.WaitAsync(Waits.Max);
        await server.PublishAsync("second", new JObject());
        await server.PublishAsync("third", new JObject());
        await client.CallAsync("echo").WaitAsync(Waits.Max);

        await late.DisposeAsync().AsTask().WaitAsync(Waits.Max);
        gate.SetResult();

        await done.Task.WaitAsync(Waits.Max);
        Assert.Equal(0, Volatile.Read(ref lateCalls));
    }

    [Fact]
    public async Task SubscribeAsync_disposing_one_of_two_handlers_keeps_the_other()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var disposedCalls = 0;
        var kept = new TaskCompletionSource<JObject?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var removed = await client.SubscribeAsync<JObject>("news", _ => Interlocked.Increment(ref disposedCalls)).WaitAsync(Waits.Max);
        await using var remaining = await client.SubscribeAsync<JObject>("news", data => kept.TrySetResult(data)).WaitAsync(Waits.Max);

        await removed.DisposeAsync().AsTask().WaitAsync(Waits.Max);
        await server.PublishAsync("news", new JObject { ["n"] = 1 });

        Assert.Equal(1, (int?)(await kept.Task.WaitAsync(Waits.Max))?["n"]);
        Assert.Equal(0, Volatile.Read(ref disposedCalls));
        Assert.Equal(0, server.CountRequests("unsubscribe"));
    }

    [Fact]
    public async Task SubscribeAsync_after_last_handler_disposed_subscribes_again()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var first = await client.SubscribeAsync<JObject>("news", _ => { }).WaitAsync(Waits.Max);
        await first.DisposeAsync().AsTask().WaitAsync(Waits.Max);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var second = await client.SubscribeAsync<JObject>("news", _ => received.TrySetResult()).WaitAsync(Waits.Max);
        await server.PublishAsync("news", new JObject());

        await received.Task.WaitAsync(Waits.Max);
        Assert.Equal(2, server.CountRequests("subscribe"));
    }

    [Fact]
    public async Task SubscribeAsync_refused_topic_throws_HubRpcException_and_removes_handler()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var error = await Assert.ThrowsAsync<HubRpcException>(
            () => client.SubscribeAsync<JObject>("forbidden", _ => { }).WaitAsync(Waits.Max));

        Assert.Equal(-32602, error.Code);
        Assert.True(JToken.DeepEquals(new JArray("forbidden"), error.ErrorData));
        var subscriptions = await client.CallAsync<string[]>("get_subscriptions").WaitAsync(Waits.Max);
        Assert.Empty(subscriptions);
        Assert.Equal(0, server.CountRequests("unsubscribe"));
    }

    [Fact]
    public async Task SubscribeAsync_handler_exception_is_reported_and_delivery_continues()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var reported = new TaskCompletionSource<(string Topic, Exception Error)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new HubClientOptions { OnHandlerError = (topic, e) => reported.TrySetResult((topic, e)) };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);
        var received = Channel.CreateUnbounded<int>();
        await using var subscription = await client.SubscribeAsync<JObject>("news", data =>
        {
            var n = (int)data!["n"]!;
            if (n == 1)
            {
                throw new InvalidOperationException("handler bug");
            }

            received.Writer.TryWrite(n);
        }).WaitAsync(Waits.Max);

        await server.PublishAsync("news", new JObject { ["n"] = 1 });
        await server.PublishAsync("news", new JObject { ["n"] = 2 });

        Assert.Equal(2, await received.Reader.ReadAsync().AsTask().WaitAsync(Waits.Max));
        var (topic, error) = await reported.Task.WaitAsync(Waits.Max);
        Assert.Equal("news", topic);
        Assert.Equal("handler bug", error.Message);
        Assert.Equal(3, await client.CallAsync<int>("add", [1, 2]).WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task SubscribeAsync_data_of_wrong_shape_is_reported_and_delivery_continues()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var reported = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new HubClientOptions { OnHandlerError = (_, e) => reported.TrySetResult(e) };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);
        var received = new TaskCompletionSource<Quote?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.SubscribeAsync<Quote>("prices", quote => received.TrySetResult(quote)).WaitAsync(Waits.Max);

        await server.PublishAsync("prices", new JArray(1, 2));
        await server.PublishAsync("prices", new JObject { ["symbol"] = "ACME" });

        Assert.IsAssignableFrom<Newtonsoft.Json.JsonException>(await reported.Task.WaitAsync(Waits.Max));
        Assert.Equal("ACME", (await received.Task.WaitAsync(Waits.Max))?.Symbol);
    }

    [Fact]
    public async Task SubscribeAsync_handler_may_call_the_server()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var result = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.SubscribeAsync<JArray>("numbers", async data =>
            result.TrySetResult(await client.CallAsync<int>("add", [data![0], data[1]]))).WaitAsync(Waits.Max);

        await server.PublishAsync("numbers", new JArray(40, 2));

        Assert.Equal(42, await result.Task.WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task UnsubscribeAsync_stops_every_handler_and_sends_unsubscribe()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var calls = 0;
        var one = await client.SubscribeAsync<JObject>("news", _ => Interlocked.Increment(ref calls)).WaitAsync(Waits.Max);
        var two = await client.SubscribeAsync<JObject>("news", _ => Interlocked.Increment(ref calls)).WaitAsync(Waits.Max);

        await client.UnsubscribeAsync("news").WaitAsync(Waits.Max);

        var unsubscribe = await server.WaitForRequestAsync("unsubscribe");
        Assert.True(JToken.DeepEquals(new JArray("news"), unsubscribe["params"]));
        Assert.Equal(0, await server.PublishAsync("news", new JObject()));
        await one.DisposeAsync().AsTask().WaitAsync(Waits.Max);
        await two.DisposeAsync().AsTask().WaitAsync(Waits.Max);
        Assert.Equal(1, server.CountRequests("unsubscribe"));
        Assert.Equal(0, Volatile.Read(ref calls));
    }

    private sealed class Quote
    {
        public string? Symbol { get; set; }

        public double Price { get; set; }
    }
}
