using System.Net.WebSockets;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientLoggingTests
{
    [Fact]
    public async Task Handler_exception_is_logged_as_error_with_the_exception()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var logger = new CapturingLogger();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { Logger = logger });
        await using var subscription = await client.SubscribeAsync<JObject>("news", _ => throw new InvalidOperationException("handler bug")).WaitAsync(Waits.Max);

        await server.PublishAsync("news", new JObject());

        var entry = await logger.WaitForAsync(e => e.Level == LogLevel.Error);
        Assert.Equal("handler bug", entry.Exception?.Message);
        Assert.Contains("news", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lost_connection_is_logged_as_warning_and_the_reconnect_as_information()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var logger = new CapturingLogger();
        var options = HubClientReconnectTests.Fast();
        options.Logger = logger;
        await using var client = await HubClient.ConnectAsync(server.Uri, options);
        await logger.WaitForAsync(e => e.Level == LogLevel.Information);

        await server.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "node going away");

        var lost = await logger.WaitForAsync(e => e.Level == LogLevel.Warning);
        Assert.Contains("EndpointUnavailable", lost.Message, StringComparison.Ordinal);
        await logger.WaitForAsync(e => e.Level == LogLevel.Information && e.Index > lost.Index);
    }

    [Fact]
    public async Task Unmatched_reply_id_is_logged_at_trace_cut_to_64_characters_and_its_length()
    {
        // A server may choose an id as long as a whole message; the log keeps what the hub's own log keeps of one.
        await using var server = await PlainJsonRpcServer.StartAsync();
        var logger = new CapturingLogger();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { Logger = logger });
        var id = new string('x', 100_000);

        await server.SendRawAsync($$"""{"jsonrpc":"2.0","result":1,"id":"{{id}}"}""");

        var entry = await logger.WaitForAsync(e => e.Level == LogLevel.Trace && e.Message.Contains("no call waits", StringComparison.Ordinal));
        Assert.Contains("\"" + new string('x', 63) + "… (100002 chars)", entry.Message, StringComparison.Ordinal);
        Assert.True(entry.Message.Length < 300, entry.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
