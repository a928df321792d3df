using System.Text.RegularExpressions;
using Hub.Tests.Support;

namespace Hub.Tests.Faults;

/// <summary>A node stopping under load answers every request it took: a result, or -32004 for new ones.</summary>
public sealed partial class ShutdownUnderLoadTests
{
    [Fact]
    public async Task Every_request_gets_exactly_one_reply_when_the_node_stops_under_load()
    {
        var hub = await TestHub.StartAsync();
        var clients = new List<RawSocket>();
        for (var c = 0; c < 8; c++)
        {
            clients.Add(await RawSocket.ConnectAsync(hub.WebSocketUri));
        }

        // Each client keeps sending requests (some slow) until its connection closes; every id is recorded.
        using var stop = new CancellationTokenSource();
        var sent = clients.Select(_ => new List<int>()).ToList();
        var senders = clients.Select((client, c) => Task.Run(async () =>
        {
            for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
            {
                var frame = i % 3 == 0
                    ? "{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[200],\"id\":" + i + "}"
                    : "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + i + "}";
                try
                {
                    await client.SendAsync(frame);
                }
                catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException or OperationCanceledException or TimeoutException)
                {
                    return;
                }

                lock (sent[c])
                {
                    sent[c].Add(i);
                }

                // At most 200 unanswered at a time, so this reader never becomes a slow consumer (bounded wait).
                for (var spin = 0; spin < 1000 && i + 1 - client.ReceivedCount > 200 && !stop.IsCancellationRequested; spin++)
                {
                    await Task.Delay(1, CancellationToken.None);
                }
            }
        })).ToList();
        await Eventually.TrueAsync(() => Task.FromResult(sent.All(s => { lock (s) { return s.Count > 100; } })));

        await hub.DisposeAsync();
        await stop.CancelAsync();
        await Task.WhenAll(senders).WaitAsync(Waits.Max);

        for (var c = 0; c < clients.Count; c++)
        {
            await clients[c].Closed.WaitAsync(Waits.Max);
            var replies = new Dictionary<int, string>();
            while (clients[c].TryReceive(out var frame))
            {
                var id = int.Parse(IdOf().Match(frame).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(replies.TryAdd(id, frame), $"client {c}: two replies to {id}");
                // A flood may also meet the in-flight limit: -32002 is an answer too.
                Assert.Matches("^\\{\"jsonrpc\":\"2.0\",(\"result\":(\"pong\"|200)|\"error\":\\{\"code\":-32004,\"message\":\"Server shutting down\"\\}|\"error\":\\{\"code\":-32002,\"message\":\"Too many requests\"\\}),\"id\":\\d+\\}$", frame);
            }

            // Requests the server read before it closed are all answered; the last few may not have been read at all.
            List<int> ids;
            lock (sent[c])
            {
                ids = [.. sent[c]];
            }

            var answered = ids.Where(replies.ContainsKey).ToList();
            Assert.Equal(replies.Count, answered.Count);
            var firstUnanswered = ids.FindIndex(id => !replies.ContainsKey(id));
            var answeredAfterGap = firstUnanswered < 0 ? [] : ids.Skip(firstUnanswered).Where(replies.ContainsKey).Take(5).ToList();

            // One message with all there is to know, should this ever fail: how it closed, where the gap is, what came after it.
            var closed = $"closed {clients[c].CloseStatus} '{clients[c].CloseStatusDescription}'";
            Assert.True(
                answeredAfterGap.Count == 0,
                $"client {c}: a gap in the answered requests: {ids[Math.Max(0, firstUnanswered)]} (sent {Math.Max(0, firstUnanswered) + 1} of {ids.Count}) " +
                $"unanswered, then answered {string.Join(", ", answeredAfterGap.Select(id => id + " " + replies[id]))}; {replies.Count} replies; {closed}");
            Assert.True(clients[c].CloseStatus == System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, $"client {c}: {closed}");
            await clients[c].DisposeAsync();
        }
    }

    [GeneratedRegex("\"id\":(\\d+)\\}$")]
    private static partial Regex IdOf();
}
