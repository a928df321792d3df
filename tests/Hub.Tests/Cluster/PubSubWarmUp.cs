using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>
/// A subscription reaches other nodes by DistributedPubSub gossip (about a second). Tests that count deliveries
/// first wait that window out with this, so what they publish after it is theirs alone.
/// </summary>
public static class PubSubWarmUp
{
    /// <summary>
    /// Publishes numbered warm-ups until every subscriber has received one (the subscriptions have reached the
    /// publisher's node), then drains what is still on its way, so later frames are the test's own.
    /// </summary>
    public static async Task RunAsync(TestHub publisher, IReadOnlyList<RawSocket> subscribers)
    {
        var pending = subscribers.Select(s => s.ReceiveAsync()).ToList();
        using var deadline = new CancellationTokenSource(Waits.Max);
        var n = 0;
        while (!pending.All(p => p.IsCompleted))
        {
            deadline.Token.ThrowIfCancellationRequested();
            await publisher.Runtime.NotifyAsync("bench", new { warmup = n++ });
            await Task.WhenAny(Task.WhenAll(pending), Task.Delay(100));
        }

        var last = "{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":{\"warmup\":" + (n - 1) + "}}";
        foreach (var (subscriber, first) in subscribers.Zip(pending))
        {
            var frame = await first;
            while (frame != last)
            {
                frame = await subscriber.ReceiveAsync();
            }
        }
    }
}
