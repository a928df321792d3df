using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Bench.Clients;

/// <summary>The ASP.NET Core SignalR client against the SignalR baseline: <c>InvokeAsync&lt;string&gt;("Ping")</c>, over WebSockets without negotiate.</summary>
internal sealed class SignalRBenchClient(HubConnection connection) : IBenchClient
{
    public static async Task<IBenchClient> ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var http = new UriBuilder(endpoint) { Scheme = endpoint.Scheme == "wss" ? "https" : "http" }.Uri;
        var connection = new HubConnectionBuilder()
            .WithUrl(http, HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
            .Build();
        await connection.StartAsync(cancellationToken);
        return new SignalRBenchClient(connection);
    }

    public Task PingAsync() => connection.InvokeAsync<string>("Ping");

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
