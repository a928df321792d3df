using System.Net.WebSockets;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

/// <summary>What the client takes from a hostile server: messages within its size and depth limits (issue 12, item 8).</summary>
public sealed class HubClientReceiveLimitTests
{
    private const int Limit = 4096;

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1000)]
    public async Task Message_over_MaxMessageBytes_closes_with_1009_fails_waiting_calls_and_reconnects(int frameSize)
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = HubClientReconnectTests.Fast();
        options.MaxMessageBytes = Limit;
        await using var client = await HubClient.ConnectAsync(server.Uri, options);
        var waiting = client.CallAsync<JToken>("hang");
        await server.WaitForRequestAsync("hang");

        await server.SendRawAsync(Padded("{\"jsonrpc\":\"2.0\",\"method\":\"big\",\"params\":[\"", "\"]}", Limit + 1), frameSize);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await server.ClientCloseStatusAsync());
        var error = await Assert.ThrowsAsync<HubConnectionException>(() => waiting.WaitAsync(Waits.Max));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, error.CloseStatus);
        await server.WaitForConnectionsAsync(2);
        Assert.Equal(3, await client.CallAsync<int>("add", [1, 2]).WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Message_of_exactly_MaxMessageBytes_in_several_frames_is_read()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { MaxMessageBytes = Limit });
        var waiting = client.CallAsync<string>("hang");
        var id = (long)(await server.WaitForRequestAsync("hang"))["id"]!;
        var reply = Padded("{\"jsonrpc\":\"2.0\",\"result\":\"", $"\",\"id\":{id}}}", Limit);

        await server.SendRawAsync(reply, 1000);

        var result = await waiting.WaitAsync(Waits.Max);
        Assert.Equal(reply.Count(c => c == 'x'), result.Length);
        Assert.Equal(1, server.AcceptedConnections);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(64)]
    public async Task Reply_nested_deeper_than_MaxDepth_is_dropped_with_a_warning_and_the_connection_carries_on(int maxDepth)
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var logger = new CapturingLogger();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { MaxDepth = maxDepth, Logger = logger });
        var waiting = client.CallAsync<JToken>("hang");
        var id = (long)(await server.WaitForRequestAsync("hang"))["id"]!;

        // The message is a level itself, as the hub's max-depth counts: a result of maxDepth arrays is one too many.
        await server.SendRawAsync($"{{\"jsonrpc\":\"2.0\",\"result\":{Nested(maxDepth)},\"id\":{id}}}");
        await server.SendRawAsync($"{{\"jsonrpc\":\"2.0\",\"result\":{Nested(maxDepth - 1)},\"id\":{id}}}");

        Assert.Equal(maxDepth - 1, Depth(await waiting.WaitAsync(Waits.Max)));
        var warning = await logger.WaitForAsync(e => e.Level == LogLevel.Warning);
        Assert.Contains($"deeper than {maxDepth}", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.AcceptedConnections);
    }

    [Fact]
    public async Task Reply_whose_id_nests_100000_deep_is_dropped_without_ending_the_process()
    {
        // Before the depth limit, logging the unmatched id (even with no logger) overflowed the stack: the test host died.
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await server.SendRawAsync("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":" + new string('[', 100_000) + new string(']', 100_000) + "}");

        Assert.Equal(3, await client.CallAsync<int>("add", [1, 2]).WaitAsync(Waits.Max));
        Assert.Equal(1, server.AcceptedConnections);
    }

    /// <summary><paramref name="prefix"/>, x's and <paramref name="suffix"/>: <paramref name="length"/> bytes of ASCII.</summary>
    private static string Padded(string prefix, string suffix, int length) =>
        prefix + new string('x', length - prefix.Length - suffix.Length) + suffix;

    /// <summary>Arrays nested <paramref name="depth"/> deep: <c>[[...]]</c>.</summary>
    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static int Depth(JToken token) => token is JArray { Count: 1 } array ? 1 + Depth(array[0]) : token is JArray ? 1 : 0;
}
