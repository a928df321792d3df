using System.Net;
using System.Net.Sockets;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Text;
using Hub.Host.Transport;
using Hub.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace Hub.Tests.Integration;

/// <summary>
/// Issue 12, item 6: what inbound data may hold on a node. The budget (<c>Hub:MaxInboundBytes</c>) is configured small
/// here: 64 KiB, with messages of at most 16 KiB. A message's first 4 KiB may use the budget's last eighth, which larger
/// messages leave free: 56 KiB for larger messages.
/// </summary>
public sealed class InboundLimitsTests
{
    private const int MaxMessage = 16 * 1024;
    private const int Budget = 64 * 1024;

    /// <summary>What a holder sends of its message: read into its 4 KiB first buffer and a 16 KiB segment, so two hold 40 KiB.</summary>
    private const int HeldPart = 6 * 1024;

    private const int HeldBuffer = 20 * 1024;

    private const int Holders = 2;

    /// <summary>A message that needs more than its first 4 KiB buffer.</summary>
    private const int LargeMessage = 12 * 1024;

    [Fact]
    public async Task Message_trickled_past_the_assembly_time_limit_closes_with_1008_while_others_are_served()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:MessageAssemblyTimeout"] = "00:00:01" });
        await using var trickler = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await using var other = await RawSocket.ConnectAsync(hub.WebSocketUri);
        using var stop = new CancellationTokenSource();
        var trickling = TrickleAsync(trickler.Socket, stop.Token);

        var reply = await other.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");
        await trickler.Closed.WaitAsync(Waits.Max);
        await stop.CancelAsync();
        await trickling;

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}", reply);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, trickler.CloseStatus);
        Assert.Equal("message assembly timed out", trickler.CloseStatusDescription);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":2}", await other.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2}"));
    }

    [Fact]
    public async Task Message_past_the_inbound_budget_waits_until_bytes_are_freed()
    {
        await using var hub = await StartSmallBudgetAsync();
        var holders = await HoldAsync(hub, Holders);
        await using var waiter = await RawSocket.ConnectAsync(hub.WebSocketUri);

        await waiter.SendAsync(PaddedPing(LargeMessage, id: 7));
        var waited = await waiter.IsQuietAsync();
        foreach (var holder in holders)
        {
            await holder.DisposeAsync();
        }

        Assert.True(waited, "the message was answered although the budget was spent");
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":7}", await waiter.ReceiveAsync());
    }

    [Fact]
    public async Task Bytes_held_and_readers_waiting_are_reported_in_the_metrics()
    {
        await using var hub = await StartSmallBudgetAsync();
        var holders = await HoldAsync(hub, Holders);
        await using var waiter = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await waiter.SendAsync(PaddedPing(LargeMessage, id: 7));
        await Eventually.TrueAsync(() => Task.FromResult(Waiting(hub) == 1), "the large message waits for the budget");

        // One measurement per budget: hubs of other tests in this process report theirs beside it.
        var (bytes, waiting) = ReadInboundGauges();

        // The holders' 20 KiB each, and the waiter's first buffer, read before it asked for more.
        Assert.Contains((Holders * (long)HeldBuffer) + InboundBudget.FirstBufferBytes, bytes);
        Assert.Contains(1L, waiting);
        await DisposeAllAsync(holders);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":7}", await waiter.ReceiveAsync());
    }

    [Fact]
    public async Task Small_message_is_served_while_a_large_one_waits_for_the_inbound_budget()
    {
        await using var hub = await StartSmallBudgetAsync();
        var holders = await HoldAsync(hub, Holders);
        await using var waiter = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await using var small = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await waiter.SendAsync(PaddedPing(LargeMessage, id: 7));

        var reply = await small.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}", reply);
        Assert.True(await waiter.IsQuietAsync(), "the large message was answered although the budget was spent");
        await DisposeAllAsync(holders);
    }

    [Fact]
    public async Task Message_waiting_for_the_inbound_budget_past_the_assembly_time_limit_closes_with_1013()
    {
        await using var hub = await StartSmallBudgetAsync(assemblyTimeout: "00:00:05");
        await using var waiter = await RawSocket.ConnectAsync(hub.WebSocketUri);
        var message = Encoding.UTF8.GetBytes(PaddedPing(LargeMessage, id: 7));

        // Its first bytes go first, so its time limit passes before the holders' do.
        await waiter.Socket.SendAsync(message.AsMemory(0, 1024), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(Held(hub) >= InboundBudget.FirstBufferBytes), "the first bytes were buffered");
        var holders = await HoldAsync(hub, Holders, alreadyHeld: InboundBudget.FirstBufferBytes);
        await waiter.Socket.SendAsync(message.AsMemory(1024), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        await waiter.Closed.WaitAsync(Waits.Max);

        Assert.Equal((WebSocketCloseStatus)1013, waiter.CloseStatus);
        Assert.Equal("try again later", waiter.CloseStatusDescription);
        await DisposeAllAsync(holders);
    }

    [Fact]
    public async Task Http_calls_past_the_concurrency_cap_answer_503_and_a_freed_place_is_taken_again()
    {
        // The two holders stall mid-body. Kestrel's minimum body data rate (240 B/s after a 5 s grace) would end them
        // with 408 on a machine slow enough to take 5 s to the first poll, and the cap is not what this test measures.
        await using var hub = await TestHub.StartAsync(
            new Dictionary<string, string?> { ["Hub:MaxConcurrentHttpRequests"] = "2" },
            customize: builder => builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MinRequestBodyDataRate = null));
        const string Body = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}";
        using var first = await StartPostAsync(hub, Body.Length, Body[..10]);
        using var second = await StartPostAsync(hub, Body.Length, Body[..10]);
        using var http = new HttpClient { Timeout = Waits.Max };

        // Both holders are being served before the third call is tried: under a loaded suite Kestrel may reach them
        // seconds after their bytes were sent.
        var endpoint = hub.App.Services.GetRequiredService<Hub.Host.Http.HttpRpcEndpoint>();
        await Eventually.TrueAsync(() => Task.FromResult(endpoint.Active == 2), "both holders are being served");
        await Eventually.TrueAsync(async () => await PostStatusAsync(http, hub) == HttpStatusCode.ServiceUnavailable, "a third call answers 503");
        await SendAsync(first, Body[10..]);

        Assert.Equal("HTTP/1.1 200 OK", await StatusLineAsync(first));
        await Eventually.TrueAsync(async () => await PostStatusAsync(http, hub) == HttpStatusCode.OK, "the freed place is taken");
    }

    [Fact]
    public async Task Http_body_trickled_past_the_assembly_time_limit_answers_408()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:MessageAssemblyTimeout"] = "00:00:01" });
        using var client = await StartPostAsync(hub, contentLength: 100_000, "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1,\"pad\":\"");
        using var stop = new CancellationTokenSource();

        // 1,000 B/s: well over Kestrel's minimum body data rate (240 B/s), so only the time limit can stop it.
        var trickling = TrickleAsync(client, stop.Token);
        var status = await StatusLineAsync(client);
        await stop.CancelAsync();
        await trickling;

        Assert.Equal("HTTP/1.1 408 Request Timeout", status);
    }

    [Fact]
    public async Task Http_body_waiting_for_the_inbound_budget_past_the_assembly_time_limit_answers_503()
    {
        await using var hub = await StartSmallBudgetAsync(assemblyTimeout: "00:00:05");
        const string Head = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1,\"pad\":\"";

        // Chunked, its first chunk before the holders: its time limit passes before theirs do.
        using var client = await ConnectAsync(hub);
        await SendAsync(client, $"POST /rpc HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{Head.Length:x}\r\n{Head}\r\n");
        await Eventually.TrueAsync(() => Task.FromResult(Held(hub) >= InboundBudget.FirstBufferBytes), "the first chunk was buffered");
        var holders = await HoldAsync(hub, Holders, alreadyHeld: InboundBudget.FirstBufferBytes);
        var pad = new string('x', HeldPart);
        await SendAsync(client, $"{pad.Length:x}\r\n{pad}\r\n");

        Assert.Equal("HTTP/1.1 503 Service Unavailable", await StatusLineAsync(client));
        await DisposeAllAsync(holders);
    }

    private static Task<TestHub> StartSmallBudgetAsync(string assemblyTimeout = "00:01:00") => TestHub.StartAsync(new Dictionary<string, string?>
    {
        ["Hub:MaxMessageBytes"] = MaxMessage.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hub:MaxInboundBytes"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hub:MessageAssemblyTimeout"] = assemblyTimeout,
    });

    private static long Held(TestHub hub) => hub.App.Services.GetRequiredService<InboundBudget>().Held;

    private static int Waiting(TestHub hub) => hub.App.Services.GetRequiredService<InboundBudget>().Waiting;

    /// <summary>What <c>hub.inbound.bytes</c> and <c>hub.inbound.waiting</c> read now, one value per budget in the process.</summary>
    private static (List<long> Bytes, List<long> Waiting) ReadInboundGauges()
    {
        var bytes = new List<long>();
        var waiting = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Hub" && instrument.Name is "hub.inbound.bytes" or "hub.inbound.waiting")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => (instrument.Name == "hub.inbound.bytes" ? bytes : waiting).Add(value));
        listener.Start();
        listener.RecordObservableInstruments();
        return (bytes, waiting);
    }

    /// <summary>
    /// <paramref name="count"/> connections, each with a message of <see cref="HeldPart"/> bytes begun and not ended:
    /// each holds 20 KiB of the budget once the hub has read what was sent.
    /// </summary>
    private static async Task<List<RawSocket>> HoldAsync(TestHub hub, int count, long alreadyHeld = 0)
    {
        var holders = new List<RawSocket>();
        var part = Encoding.UTF8.GetBytes(PaddedPing(HeldPart + 1, id: 1))[..HeldPart];
        for (var i = 0; i < count; i++)
        {
            var holder = await RawSocket.ConnectAsync(hub.WebSocketUri);
            holders.Add(holder);
            await holder.Socket.SendAsync(part, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None).WaitAsync(Waits.Max);
            var held = alreadyHeld + ((i + 1L) * HeldBuffer);
            await Eventually.TrueAsync(() => Task.FromResult(Held(hub) == held), $"{i + 1} holders' bytes were buffered");
        }

        return holders;
    }

    private static async Task DisposeAllAsync(IEnumerable<RawSocket> sockets)
    {
        foreach (var socket in sockets)
        {
            await socket.DisposeAsync();
        }
    }

    /// <summary>A ping request padded with an ignored member to exactly <paramref name="bytes"/> bytes.</summary>
    private static string PaddedPing(int bytes, int id)
    {
        var head = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + id + ",\"pad\":\"";
        const string Tail = "\"}";
        return head + new string('x', bytes - head.Length - Tail.Length) + Tail;
    }

    /// <summary>Sends 16 bytes of a message that never ends every 50 ms, until stopped or the socket closes.</summary>
    private static async Task TrickleAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var chunk = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"pad\":\"");
        try
        {
            await socket.SendAsync(chunk, WebSocketMessageType.Text, endOfMessage: false, cancellationToken);
            while (socket.State == WebSocketState.Open)
            {
                await Task.Delay(50, cancellationToken);
                await socket.SendAsync(Encoding.UTF8.GetBytes(new string('x', 16)), WebSocketMessageType.Text, endOfMessage: false, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Stopped, or the server closed the connection: the test reads why.
        }
    }

    /// <summary>Sends 100 bytes of body every 100 ms, until stopped or the connection fails.</summary>
    private static async Task TrickleAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var chunk = Encoding.ASCII.GetBytes(new string('x', 100));
        try
        {
            while (true)
            {
                await Task.Delay(100, cancellationToken);
                await client.GetStream().WriteAsync(chunk, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Stopped, or the server closed the connection: the test reads the response.
        }
    }

    private static async Task<HttpStatusCode> PostStatusAsync(HttpClient http, TestHub hub)
    {
        using var content = new StringContent("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(hub.HttpUri, content);
        return response.StatusCode;
    }

    /// <summary>A POST of <paramref name="contentLength"/> bytes over a raw connection, of which only <paramref name="bodyStart"/> is sent.</summary>
    private static async Task<TcpClient> StartPostAsync(TestHub hub, int contentLength, string bodyStart)
    {
        var client = await ConnectAsync(hub);
        await SendAsync(client, $"POST /rpc HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n{bodyStart}");
        return client;
    }

    private static async Task<TcpClient> ConnectAsync(TestHub hub)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, hub.BaseUri.Port).WaitAsync(Waits.Max);
        return client;
    }

    private static Task SendAsync(TcpClient client, string text) => client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().WaitAsync(Waits.Max);

    /// <summary>The first line of the response, read byte by byte (the rest is left unread).</summary>
    private static async Task<string> StatusLineAsync(TcpClient client)
    {
        using var deadline = new CancellationTokenSource(Waits.Max);
        var line = new StringBuilder();
        var one = new byte[1];
        while (await client.GetStream().ReadAsync(one, deadline.Token) == 1 && one[0] != (byte)'\n')
        {
            line.Append((char)one[0]);
        }

        return line.ToString().TrimEnd('\r');
    }
}
