using System.Net;
using System.Net.Sockets;
using System.Text;
using Hub.Tests.Client;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Integration;

/// <summary>A client that goes away in the middle of a <c>POST /rpc</c> is routine: logged at Debug, never as an unhandled exception.</summary>
public sealed class HttpAbortTests
{
    [Fact]
    public async Task Post_aborted_while_its_body_is_read_logs_at_debug_and_nothing_unhandled()
    {
        var logger = new CapturingLogger();
        await using var hub = await StartAsync(logger);
        using (var client = await ConnectAsync(hub))
        {
            await SendAsync(client, "POST /rpc HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\":\"2.0\",");
            client.LingerState = new LingerOption(true, 0);
        }

        var entry = await logger.WaitForAsync(IsAbortOrError);

        Assert.Equal(LogLevel.Debug, entry.Level);
        await AssertNoErrorAsync(logger);
    }

    [Fact]
    public async Task Post_aborted_while_the_hub_answers_logs_at_debug_and_nothing_unhandled()
    {
        var logger = new CapturingLogger();
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = await StartAsync(logger, h => h.AddMethod("hold", async (CancellationToken token) =>
        {
            called.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
        }));
        const string Body = "{\"jsonrpc\":\"2.0\",\"method\":\"hold\",\"id\":1}";
        using (var client = await ConnectAsync(hub))
        {
            await SendAsync(client, $"POST /rpc HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\n\r\n{Body}");
            await called.Task.WaitAsync(Waits.Max);
            client.LingerState = new LingerOption(true, 0);
        }

        var entry = await logger.WaitForAsync(IsAbortOrError);

        Assert.Equal(LogLevel.Debug, entry.Level);
        await AssertNoErrorAsync(logger);
    }

    /// <summary>An error, or the hub's word that the call ended with the client gone (its body cut short, for Kestrel).</summary>
    private static bool IsAbortOrError(LogEntry entry) => entry.Level >= LogLevel.Error || entry.EventId.Name is "HttpCallAborted" or "HttpBodyUnreadable";

    /// <summary>The hub's own logs at Debug, Kestrel's and the rest at Warning.</summary>
    private static Task<TestHub> StartAsync(CapturingLogger logger, Action<HubBuilder>? configure = null) => TestHub.StartAsync(
        new Dictionary<string, string?> { ["Logging:LogLevel:Hub"] = "Debug" },
        configure,
        customize: builder => builder.Logging.AddProvider(new CapturingLoggerProvider(logger)));

    private static async Task AssertNoErrorAsync(CapturingLogger logger)
    {
        // An unhandled exception is logged by Kestrel as the request ends; give a late one the quiet period to show.
        await Task.Delay(Waits.Quiet);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Error);
    }

    private static async Task<TcpClient> ConnectAsync(TestHub hub)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, hub.BaseUri.Port).WaitAsync(Waits.Max);
        return client;
    }

    private static Task SendAsync(TcpClient client, string text) => client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().WaitAsync(Waits.Max);
}
