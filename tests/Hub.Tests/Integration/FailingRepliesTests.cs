using Hub.Tests.Support;

namespace Hub.Tests.Integration;

/// <summary>
/// A method whose answer cannot be written as JSON (NaN, Infinity, a lone surrogate, in a result or in a
/// <see cref="HubRpcException"/>'s message or data) is answered <c>-32603</c> at once, whichever way it is served; the
/// connection and the process go on serving, and the node logs the failure once.
/// </summary>
public sealed class FailingRepliesTests(FailingRepliesFixture fixture) : IClassFixture<FailingRepliesFixture>
{
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var method in new[] { "sync", "async", "inline", "actor" })
        {
            foreach (var kind in new[] { "nan-data", "infinity-data", "surrogate-message", "surrogate-data", "surrogate-result", "infinity-result" })
            {
                cases.Add(method, kind);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Unwritable_answer_is_32603_at_once_and_the_connection_keeps_serving(string method, string kind)
    {
        await using var socket = await RawSocket.ConnectAsync(fixture.Hub.WebSocketUri);

        var reply = await socket.CallAsync(Request(method, kind, "1"));
        var after = await socket.CallAsync("""{"jsonrpc":"2.0","method":"ping","id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}""", reply);
        Assert.Equal("""{"jsonrpc":"2.0","result":"pong","id":2}""", after);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Unwritable_answer_is_logged_once(string method, string kind)
    {
        var id = "logged-once-" + method + "-" + kind;
        await using var socket = await RawSocket.ConnectAsync(fixture.Hub.WebSocketUri);

        await socket.CallAsync(Request(method, kind, "\"" + id + "\""));
        await socket.CallAsync("""{"jsonrpc":"2.0","method":"ping","id":2}""");

        var entry = await fixture.Log.WaitForAsync(e => e.Message.Contains(id, StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, entry.Level);
        Assert.Single(fixture.Log.Entries, e => e.Message.Contains(id, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nan-params")]
    [InlineData("surrogate-method")]
    public async Task Server_to_client_call_that_cannot_be_written_throws_at_the_handler_and_the_connection_keeps_serving(string kind)
    {
        await using var socket = await RawSocket.ConnectAsync(fixture.Hub.WebSocketUri);

        var reply = await socket.CallAsync(Request("callback", kind, "1"));
        var after = await socket.CallAsync("""{"jsonrpc":"2.0","method":"ping","id":2}""");

        Assert.Equal("""{"jsonrpc":"2.0","result":"refused: ArgumentException","id":1}""", reply);
        Assert.Equal("""{"jsonrpc":"2.0","result":"pong","id":2}""", after);
    }

    private static string Request(string method, string kind, string id) =>
        "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":[\"" + kind + "\"],\"id\":" + id + "}";
}
