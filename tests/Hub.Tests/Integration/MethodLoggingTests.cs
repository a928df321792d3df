using Hub.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Integration;

/// <summary>What the node logs when a handler fails: the failure once, its stack trace once, client-chosen text cut short.</summary>
public sealed class MethodLoggingTests(FailingRepliesFixture fixture) : IClassFixture<FailingRepliesFixture>
{
    [Theory]
    [InlineData("sync")]
    [InlineData("async")]
    [InlineData("inline")]
    [InlineData("actor")]
    public async Task Handler_exception_reaches_the_log_once_with_its_stack_trace_once(string method)
    {
        var kind = "throw-stack-once-" + method;
        await using var socket = await RawSocket.ConnectAsync(fixture.Hub.WebSocketUri);

        var reply = await socket.CallAsync(Request(method, kind, "1"));

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}""", reply);
        var marker = "handler failure " + kind;
        var entry = await fixture.Log.WaitForAsync(e => e.Exception?.ToString().Contains(marker, StringComparison.Ordinal) == true);
        Assert.Equal(LogLevel.Error, entry.Level);
        await socket.CallAsync("""{"jsonrpc":"2.0","method":"ping","id":2}""");
        Assert.Equal(1, fixture.Log.Entries.Sum(e => Occurrences(e.Message + e.Exception, marker)));
    }

    [Theory]
    [InlineData("sync")]
    [InlineData("actor")]
    public async Task Long_request_id_is_logged_cut_short(string method)
    {
        var kind = "throw-long-id-" + method;
        var id = new string('x', 100_000);
        await using var socket = await RawSocket.ConnectAsync(fixture.Hub.WebSocketUri);

        await socket.CallAsync(Request(method, kind, "\"" + id + "\""));

        var entry = await fixture.Log.WaitForAsync(e => e.Exception?.Message.Contains(kind, StringComparison.Ordinal) == true);
        Assert.Contains("\"" + new string('x', 63) + "… (100002 chars)", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 65), entry.Message, StringComparison.Ordinal);
    }

    private static int Occurrences(string text, string marker)
    {
        var count = 0;
        for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Request(string method, string kind, string id) =>
        "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":[\"" + kind + "\"],\"id\":" + id + "}";
}
