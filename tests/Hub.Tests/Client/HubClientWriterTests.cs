using Hub.Tests.Support;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

/// <summary>
/// The connection's one writer (issue 15): frames queued by many callers leave together, each its own message, in the
/// order they were queued; calls in flight time out one by one through the connection's sweep.
/// </summary>
public sealed class HubClientWriterTests
{
    [Fact]
    public async Task Messages_queued_without_waiting_arrive_in_the_order_they_were_sent()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        const int Count = 500;

        // Calls and notifications alike go through the writer; none is awaited before the next is queued.
        var sends = Enumerable.Range(0, Count)
            .Select(i => i % 2 == 0 ? client.NotifyAsync("seq", [i]) : client.CallAsync("echo", [i]))
            .ToList();
        var order = new List<long>();
        await server.WaitForMessageAsync(message =>
        {
            if ((string?)message["method"] is "seq" or "echo")
            {
                order.Add((long)message["params"]![0]!);
            }

            return order.Count == Count;
        });
        await Task.WhenAll(sends).WaitAsync(Waits.Max);

        Assert.Equal(Enumerable.Range(0, Count).Select(i => (long)i), order);
    }

    [Fact]
    public async Task Calls_in_flight_time_out_alone_while_the_others_are_answered()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var quick = new HubCallOptions { Timeout = TimeSpan.FromMilliseconds(200) };

        var hanging = Enumerable.Range(0, 20).Select(_ => client.CallAsync(quick, "hang")).ToList();
        var answered = Enumerable.Range(0, 20).Select(i => client.CallAsync<int>("add", [i, 1])).ToList();

        Assert.Equal(Enumerable.Range(1, 20), await Task.WhenAll(answered).WaitAsync(Waits.Max));
        foreach (var call in hanging)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Waits.Max));
        }

        Assert.Equal(3, await client.CallAsync<int>(quick, "add", [1, 2]).WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Call_cancelled_among_calls_in_flight_ends_alone_and_the_others_are_answered()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        using var cancellation = new CancellationTokenSource();

        var cancelled = client.CallAsync("hang", cancellation.Token);
        var answered = Enumerable.Range(0, 20).Select(i => client.CallAsync<int>("add", [i, 1])).ToList();
        await server.WaitForRequestAsync("hang");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Waits.Max));
        Assert.Equal(Enumerable.Range(1, 20), await Task.WhenAll(answered).WaitAsync(Waits.Max));
    }
}
