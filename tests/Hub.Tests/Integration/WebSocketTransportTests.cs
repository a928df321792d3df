using System.Net.WebSockets;
using System.Text;
using Hub.Tests.Support;

namespace Hub.Tests.Integration;

public sealed class WebSocketTransportTests : IClassFixture<HubHostFixture>
{
    private readonly HubHostFixture _fixture;

    public WebSocketTransportTests(HubHostFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Ping_over_websocket_answers_pong()
    {
        await using var socket = await RawSocket.ConnectAsync(_fixture.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}", reply);
    }

    [Fact]
    public async Task Binary_frame_closes_with_1003()
    {
        await using var socket = await RawSocket.ConnectAsync(_fixture.WebSocketUri);

        await socket.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.Closed.WaitAsync(Waits.Max);

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, socket.CloseStatus);
    }

    [Fact]
    public async Task Message_over_one_mebibyte_closes_with_1009()
    {
        await using var socket = await RawSocket.ConnectAsync(_fixture.WebSocketUri);
        var frame = "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"" + new string('x', 1024 * 1024) + "\"],\"id\":1}";

        await socket.SendAsync(frame);
        await socket.Closed.WaitAsync(Waits.Max);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
    }

    [Fact]
    public async Task Message_of_exactly_the_limit_is_accepted()
    {
        await using var socket = await RawSocket.ConnectAsync(_fixture.WebSocketUri);
        var head = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1,\"pad\":\"";
        var tail = "\"}";
        var frame = head + new string('x', 1024 * 1024 - head.Length - tail.Length) + tail;

        var reply = await socket.CallAsync(frame);

        Assert.Equal(1024 * 1024, Encoding.UTF8.GetByteCount(frame));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}", reply);
    }

    [Fact]
    public async Task Message_in_several_frames_is_reassembled()
    {
        await using var socket = await RawSocket.ConnectAsync(_fixture.WebSocketUri);
        var parts = new[] { "{\"jsonrpc\":\"2.0\",", "\"method\":\"ping\",", "\"id\":\"frag\"}" };

        for (var i = 0; i < parts.Length; i++)
        {
            await socket.Socket.SendAsync(Encoding.UTF8.GetBytes(parts[i]), WebSocketMessageType.Text, i == parts.Length - 1, CancellationToken.None);
        }

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":\"frag\"}", await socket.ReceiveReplyAsync());
    }

    [Fact]
    public async Task Handler_exception_answers_32603_and_keeps_the_connection_open()
    {
        await using var socket = await RawSocket.ConnectAsync(_fixture.WebSocketUri);

        var error = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"divide\",\"params\":[1,0],\"id\":1}");
        var after = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"divide\",\"params\":[1,4],\"id\":2}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"Internal error\"},\"id\":1}", error);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":0.25,\"id\":2}", after);
    }

    [Fact]
    public async Task Slow_call_does_not_delay_a_fast_one_on_the_same_connection()
    {
        await using var socket = await RawSocket.ConnectAsync(_fixture.WebSocketUri);

        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[2000],\"id\":\"slow\"}");
        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":\"fast\"}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":\"fast\"}", await socket.ReceiveReplyAsync());
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":2000,\"id\":\"slow\"}", await socket.ReceiveReplyAsync());
    }

    [Fact]
    public async Task Abrupt_disconnect_stops_the_connection_actor_and_drops_its_subscriptions()
    {
        var before = await _fixture.Hub.Runtime.CountConnectionsAsync();
        var socket = await RawSocket.ConnectAsync(_fixture.WebSocketUri);
        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":1}");
        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[500],\"id\":2}");

        socket.Socket.Abort();
        await socket.DisposeAsync();

        await Eventually.TrueAsync(async () => await _fixture.Hub.Runtime.CountConnectionsAsync() <= before);
    }

    [Fact]
    public async Task Plain_get_without_upgrade_answers_405()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync(_fixture.HttpUri);

        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
