using System.Net;
using Hub.Tests.Support;

namespace Hub.Tests.Auth;

public sealed class RequireUserTests
{
    [Fact]
    public async Task Hub_requiring_a_user_refuses_anonymous_connections_with_401_and_accepts_tokens()
    {
        await using var hub = await TestHub.StartAsync(Tokens.Settings(requireUser: true));
        using var anonymous = new System.Net.WebSockets.ClientWebSocket();
        anonymous.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => anonymous.ConnectAsync(hub.WebSocketUri, CancellationToken.None).WaitAsync(Waits.Max));
        await using var alice = await AuthenticatedSocket.ConnectAsync(hub.WebSocketUri, Tokens.For("alice"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.HttpStatusCode);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}", await alice.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}"));
    }
}
