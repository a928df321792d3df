using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace SignalRServer;

/// <summary>The same methods as the hub's demo service: Ping, Echo, Join (subscribe) and Publish (fan-out to a group).</summary>
public sealed class BenchHub : Hub
{
    public string Ping() => "pong";

    public JsonElement Echo(JsonElement value) => value;

    public async Task<string[]> Join(string group)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        return [group];
    }

    /// <summary>Sends <paramref name="data"/> to every member of <paramref name="group"/> as an invocation of target <paramref name="group"/>.</summary>
    public async Task<bool> Publish(string group, JsonElement data)
    {
        await Clients.Group(group).SendAsync(group, data);
        return true;
    }
}
