using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Integration;

/// <summary>
/// What one subscription receives while a publisher keeps replacing a topic's retained value: its retained value,
/// then every publication after it, none older (issue 12, items 2 and 3).
/// </summary>
public sealed class RetainedOrderTests
{
    private const string Topic = "seq";

    [Fact]
    public async Task Resubscribing_during_retained_publishes_gets_the_retained_value_then_every_later_publication_in_order()
    {
        // The publisher may run ahead of this client's reading on a busy machine: it must not become a slow consumer.
        var roomy = new Dictionary<string, string?> { ["Hub:Engine:outbound:max-messages"] = "1000000", ["Hub:Engine:outbound:max-bytes"] = "1 GiB" };
        await using var hub = await TestHub.StartAsync(roomy, h => h.AddTopic(Topic));
        var publisher = hub.App.Services.GetRequiredService<IHub>();
        await publisher.NotifyAsync(Topic, new JObject { ["n"] = 0 }, retain: true);
        await using var client = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await client.CallAsync("""{"jsonrpc":"2.0","method":"subscribe","params":["seq"],"id":"s0"}""");
        using var stop = new CancellationTokenSource();
        var published = 0;
        var publishing = Task.Run(async () =>
        {
            // Every value retained, one publish at a time: a publisher that awaits each publish.
            while (!stop.IsCancellationRequested && published < 200_000)
            {
                await publisher.NotifyAsync(Topic, new JObject { ["n"] = ++published }, retain: true);
            }
        });

        var violations = new List<string>();
        try
        {
            for (var cycle = 1; cycle <= 40 && violations.Count == 0; cycle++)
            {
                // Unsubscribe and subscribe again without waiting in between: the old subscription's frames may still be
                // on their way to this connection when the new one starts.
                await client.SendAsync($$"""{"jsonrpc":"2.0","method":"unsubscribe","params":["seq"],"id":"u{{cycle}}"}""");
                await client.SendAsync($$"""{"jsonrpc":"2.0","method":"subscribe","params":["seq"],"id":"s{{cycle}}"}""");
                try
                {
                    await CheckCycleAsync(client, cycle, violations);
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                    violations.Add($"cycle {cycle}: closed {client.CloseStatus} {client.CloseStatusDescription} after {published} publishes");
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await publishing.WaitAsync(Waits.Max);
        }

        Assert.True(published > 0);
        Assert.Null(client.CloseStatus);
        Assert.Empty(violations);
    }

    /// <summary>
    /// Reads one cycle: old frames up to the unsubscribe reply; after it, only the new subscription's retained value,
    /// then its reply; then (for a while) live publications, each exactly the one after the last seen.
    /// </summary>
    private static async Task CheckCycleAsync(RawSocket client, int cycle, List<string> violations)
    {
        while (!IsReply(await client.ReceiveAsync(), "u" + cycle))
        {
        }

        int? retained = null;
        string frame;
        while (!IsReply(frame = await client.ReceiveAsync(), "s" + cycle))
        {
            if (retained is not null)
            {
                violations.Add($"cycle {cycle}: a second notification before the subscribe reply: {frame}");
            }

            retained = Sequence(frame);
        }

        if (retained is null)
        {
            violations.Add($"cycle {cycle}: no retained value before the subscribe reply");
            return;
        }

        var last = retained.Value;
        for (var i = 0; i < 20; i++)
        {
            var next = Sequence(await client.ReceiveAsync());
            if (next != last + 1)
            {
                violations.Add($"cycle {cycle}: after {last} (retained {retained}) came {next}");
                return;
            }

            last = next;
        }
    }

    private static bool IsReply(string frame, string id) => !RawSocket.IsNotification(frame) && (string?)JObject.Parse(frame)["id"] == id;

    private static int Sequence(string frame) => (int)JObject.Parse(frame)["params"]!["n"]!;
}
