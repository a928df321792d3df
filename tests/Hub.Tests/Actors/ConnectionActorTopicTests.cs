using Akka.Actor;
using Hub.Connections;
using Hub.Engine;
using Hub.Tests.Support;
using Hub.Topics;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Actors;

/// <summary>The subscription built-ins of a <see cref="ConnectionActor"/>, and deliveries to it.</summary>
public sealed class ConnectionActorTopicTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    private HubRuntime _runtime = null!;

    [Fact]
    public async Task Subscribe_answers_the_subscriptions_sorted()
    {
        var (connection, transport) = await OpenAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":["prices","news"],"id":1}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":["news","prices"],"id":1}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Subscribed_connection_receives_a_notification_once()
    {
        var (connection, transport) = await OpenAsync();
        await SubscribeAsync(connection, transport);

        await _runtime.NotifyAsync("prices", new JObject { ["p"] = 1 }).WaitAsync(Waits.Max);

        Assert.Equal("""{"jsonrpc":"2.0","method":"prices","params":{"p":1}}""", await transport.NextFrameAsync());
        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Subscribe_sends_the_retained_value_before_the_reply()
    {
        var (connection, transport) = await OpenAsync();
        await _runtime.NotifyAsync("prices", new JObject { ["p"] = 7 }, retain: true).WaitAsync(Waits.Max);

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":{"topics":["prices"]},"id":1}""");

        Assert.Equal("""{"jsonrpc":"2.0","method":"prices","params":{"p":7}}""", await transport.NextFrameAsync());
        Assert.Equal("""{"jsonrpc":"2.0","result":["prices"],"id":1}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Subscribing_again_sends_nothing_but_the_reply()
    {
        var (connection, transport) = await OpenAsync();
        await _runtime.NotifyAsync("prices", new JObject { ["p"] = 7 }, retain: true).WaitAsync(Waits.Max);
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":["prices"],"id":1}""");
        await transport.NextFrameAsync();
        await transport.NextFrameAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":["prices"],"id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":["prices"],"id":2}""", await transport.NextFrameAsync());
        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Subscribe_naming_an_unknown_topic_changes_nothing_and_answers_32602_listing_it()
    {
        var (connection, transport) = await OpenAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":["prices","nope"],"id":1}""");
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"get_subscriptions","id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":["nope"]},"id":1}""", await transport.NextFrameAsync());
        Assert.Equal("""{"jsonrpc":"2.0","result":[],"id":2}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Unsubscribe_answers_the_remaining_subscriptions_and_ignores_unknown_names()
    {
        var (connection, transport) = await OpenAsync();
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":["prices","news"],"id":1}""");
        await transport.NextFrameAsync();

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"unsubscribe","params":["prices","nope"],"id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":["news"],"id":2}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Unsubscribed_connection_receives_no_notification()
    {
        var (connection, transport) = await OpenAsync();
        await SubscribeAsync(connection, transport);
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"unsubscribe","params":["prices"],"id":2}""");
        Assert.Equal("""{"jsonrpc":"2.0","result":[],"id":2}""", await transport.NextFrameAsync());

        await _runtime.NotifyAsync("prices", new JObject { ["p"] = 1 }).WaitAsync(Waits.Max);

        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Subscribe_unsubscribe_subscribe_in_one_batch_answers_all_and_leaves_the_topic_subscribed()
    {
        var (connection, transport) = await OpenAsync();

        await SendFrameAsync(connection, """[{"jsonrpc":"2.0","method":"subscribe","params":["prices"],"id":1},{"jsonrpc":"2.0","method":"unsubscribe","params":["prices"],"id":2},{"jsonrpc":"2.0","method":"subscribe","params":["prices"],"id":3}]""");

        Assert.Equal(
            """[{"jsonrpc":"2.0","result":["prices"],"id":1},{"jsonrpc":"2.0","result":[],"id":2},{"jsonrpc":"2.0","result":["prices"],"id":3}]""",
            await transport.NextFrameAsync());
        await _runtime.NotifyAsync("prices", new JObject { ["p"] = 1 }).WaitAsync(Waits.Max);
        Assert.Equal("""{"jsonrpc":"2.0","method":"prices","params":{"p":1}}""", await transport.NextFrameAsync());
    }

    [Fact]
    public async Task Subscribe_again_right_after_unsubscribing_keeps_receiving_notifications()
    {
        var (connection, transport) = await OpenAsync();
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":["prices"],"id":1}""");
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"unsubscribe","params":["prices"],"id":2}""");
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":["prices"],"id":3}""");
        var replies = new[] { await transport.NextFrameAsync(), await transport.NextFrameAsync(), await transport.NextFrameAsync() };

        await _runtime.NotifyAsync("prices", new JObject { ["p"] = 1 }).WaitAsync(Waits.Max);

        Assert.Contains("""{"jsonrpc":"2.0","result":["prices"],"id":3}""", replies);
        Assert.Equal("""{"jsonrpc":"2.0","method":"prices","params":{"p":1}}""", await transport.NextFrameAsync());
        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Notification_for_a_topic_not_subscribed_is_not_written()
    {
        var (connection, transport) = await OpenAsync();
        await SubscribeAsync(connection, transport);

        await _runtime.NotifyAsync("news", new JArray(1)).WaitAsync(Waits.Max);

        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Notification_for_a_subscribed_topic_is_written_once_as_encoded()
    {
        var (connection, transport) = await OpenAsync();
        await SubscribeAsync(connection, transport);

        await _runtime.NotifyAsync("prices", new JArray(1)).WaitAsync(Waits.Max);

        Assert.Equal("""{"jsonrpc":"2.0","method":"prices","params":[1]}""", await transport.NextFrameAsync());
        await transport.ExpectNoFrameAsync();
    }

    [Fact]
    public async Task Subscription_built_ins_over_http_answer_32601()
    {
        _runtime = StartHub(h => h.AddTopic("prices"));
        var transport = new RecordingTransport();
        var connection = await OpenAsync(_runtime, transport, isHttp: true);

        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":["prices"],"id":1}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}""", await transport.NextFrameAsync());
    }

    private async Task<(IActorRef Connection, RecordingTransport Transport)> OpenAsync()
    {
        _runtime = StartHub(h => h.AddTopic("prices").AddTopic("news"));
        var transport = new RecordingTransport();
        return (await OpenAsync(_runtime, transport), transport);
    }

    /// <summary>Subscribes to "prices"; the subscription is effective once the reply has come.</summary>
    private static async Task SubscribeAsync(IActorRef connection, RecordingTransport transport)
    {
        await SendFrameAsync(connection, """{"jsonrpc":"2.0","method":"subscribe","params":["prices"],"id":1}""");
        Assert.Equal("""{"jsonrpc":"2.0","result":["prices"],"id":1}""", await transport.NextFrameAsync());
    }
}
