using System.Threading.Channels;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

/// <summary>Notifications waiting for subscription handlers are bounded, as a stream's are (issue 12, item 8).</summary>
public sealed class HubClientHandlerQueueTests
{
    [Fact]
    public async Task SubscribeAsync_handler_that_falls_behind_gets_what_was_queued_then_its_subscription_ends_with_HubSubscriptionOverflowException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        server.Retain("ticks", new JObject { ["n"] = -1 });
        var errors = Channel.CreateUnbounded<(string Topic, Exception Error)>();
        var logger = new CapturingLogger();
        var options = new HubClientOptions { HandlerQueueCapacity = 4, OnHandlerError = (topic, e) => errors.Writer.TryWrite((topic, e)), Logger = logger };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);
        var busy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new List<int>();
        await using var subscription = await client.SubscribeAsync<JObject>("ticks", async data =>
        {
            var n = (int)data!["n"]!;
            received.Add(n);
            if (n == -1)
            {
                busy.TrySetResult();
                await release.Task;
            }
        }).WaitAsync(Waits.Max);
        await busy.Task.WaitAsync(Waits.Max);

        // The handler is busy with the retained value while ten arrive: 0 to 3 wait, 4 is one too many.
        for (var n = 0; n < 10; n++)
        {
            await server.PublishAsync("ticks", new JObject { ["n"] = n });
        }

        var unsubscribe = await server.WaitForRequestAsync("unsubscribe");
        release.TrySetResult();

        var (topic, error) = await errors.Reader.ReadAsync().AsTask().WaitAsync(Waits.Max);
        Assert.True(JToken.DeepEquals(new JArray("ticks"), unsubscribe["params"]));
        Assert.Equal("ticks", topic);
        var overflow = Assert.IsType<HubSubscriptionOverflowException>(error);
        Assert.Equal(("ticks", 4), (overflow.Topic, overflow.Capacity));
        Assert.Equal([-1, 0, 1, 2, 3], received);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("ticks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscribe_stream_is_not_held_up_by_a_blocked_handler_of_another_topic()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var busy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var blocked = await client.SubscribeAsync<JObject>("slow", async _ =>
        {
            busy.TrySetResult();
            await release.Task;
        }).WaitAsync(Waits.Max);
        server.Retain("fast", new JObject { ["n"] = 0 });
        await using var stream = client.Subscribe<JObject>("fast").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
        await server.PublishAsync("slow", new JObject());
        await busy.Task.WaitAsync(Waits.Max);

        await server.PublishAsync("fast", new JObject { ["n"] = 1 });

        try
        {
            Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Waits.Max));
            Assert.Equal(1, (int?)stream.Current?["n"]);
        }
        finally
        {
            release.TrySetResult();
        }
    }
}
