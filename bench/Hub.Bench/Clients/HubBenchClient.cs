using Hub.Client;

namespace Hub.Bench.Clients;

/// <summary>Hub.Client against the hub: <c>CallAsync&lt;string&gt;("ping")</c>.</summary>
internal sealed class HubBenchClient(HubClient client) : IBenchClient
{
    public static async Task<IBenchClient> ConnectAsync(Uri endpoint, CancellationToken cancellationToken) =>
        new HubBenchClient(await HubClient.ConnectAsync(endpoint, cancellationToken: cancellationToken));

    public Task PingAsync() => client.CallAsync<string>("ping");

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
