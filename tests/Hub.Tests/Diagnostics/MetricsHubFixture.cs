using Hub.Tests.Support;

namespace Hub.Tests.Diagnostics;

/// <summary>A demo hub with small limits (4 calls in flight, 5 queued messages) and two extra methods.</summary>
public sealed class MetricsHubFixture : IAsyncLifetime
{
    private TestHub? _hub;

    public TestHub Hub => _hub ?? throw new InvalidOperationException("The hub has not started.");

    public async Task InitializeAsync() => _hub = await TestHub.StartAsync(
        new Dictionary<string, string?>
        {
            ["Hub:Engine:max-in-flight"] = "4",
            ["Hub:Engine:outbound:max-messages"] = "5",
        },
        hub =>
        {
            hub.AddMethod("refuse", string () => throw new HubRpcException(-32010, "Limit exceeded"));
            hub.AddMethod("wait", async (int ms, CancellationToken cancellationToken) =>
            {
                await Task.Delay(ms, cancellationToken);
                return ms;
            });
        });

    public async Task DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }
}
