using Hub.Tests.Support;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientConcurrencyTests : IClassFixture<HubHostFixture>
{
    private readonly HubHostFixture _hub;

    public HubClientConcurrencyTests(HubHostFixture hub) => _hub = hub;

    [Fact]
    public async Task Thousands_of_calls_from_many_tasks_each_get_their_own_result_from_the_hub()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);

        // 50 callers at once stay under the hub's 256 requests in flight per connection.
        var callers = Enumerable.Range(0, 50).Select(caller => Task.Run(async () =>
        {
            var results = new List<(double Expected, double Actual)>();
            for (var i = 0; i < 40; i++)
            {
                var a = (caller * 1_000) + i;
                results.Add((a + 0.5, await client.CallAsync<double>("add", [a, 0.5])));
            }

            return results;
        }));
        var all = (await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60))).SelectMany(r => r).ToList();

        Assert.Equal(2_000, all.Count);
        Assert.All(all, r => Assert.Equal(r.Expected, r.Actual));
    }

    [Fact]
    public async Task Batches_calls_and_proxies_mixed_from_many_tasks_all_complete_correctly()
    {
        await using var client = await HubClient.ConnectAsync(_hub.WebSocketUri);
        var calculator = client.CreateProxy<HubClientProxyTests.ICalculator>();

        var work = Enumerable.Range(0, 40).Select(n => Task.Run(async () =>
        {
            var batch = client.CreateBatch();
            var sum = batch.Call<double>("add", [n, n]);
            var difference = batch.Call<double>("subtract", [n, 1]);
            await batch.SendAsync();
            return (await sum == 2 * n) && (await difference == n - 1) && (await calculator.AddAsync(n, 1) == n + 1);
        }));

        Assert.All(await Task.WhenAll(work).WaitAsync(Waits.Max), Assert.True);
    }
}
