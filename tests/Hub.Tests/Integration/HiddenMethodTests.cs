using Hub.Tests.Support;

namespace Hub.Tests.Integration;

/// <summary>A method the caller may not use looks exactly like one that does not exist (issue 12, item 11).</summary>
public sealed class HiddenMethodTests
{
    [Theory]
    [InlineData("whoami")]
    [InlineData("nosuch_method")]
    public async Task Forbidden_or_unknown_method_takes_no_in_flight_slot(string method)
    {
        await using var hub = await TestHub.StartAsync();
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        // 255 of the 256 slots taken by calls that wait; then the method in question and a ping in one batch.
        for (var i = 0; i < 255; i++)
        {
            await socket.SendAsync("""{"jsonrpc":"2.0","method":"sleep","params":[5000]}""");
        }

        var replies = await socket.CallAsync($$"""[{"jsonrpc":"2.0","method":"{{method}}","id":1},{"jsonrpc":"2.0","method":"ping","id":2}]""");

        Assert.Equal("""[{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1},{"jsonrpc":"2.0","result":"pong","id":2}]""", replies);
    }
}
