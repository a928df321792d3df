using Hub.Tests.Support;

namespace Hub.Tests.Diagnostics;

/// <summary>
/// <c>GET /metrics</c> on a running hub: each family of the <c>Hub</c> meter, in Prometheus names, with the labels
/// and values the traffic of the test explains. Values are compared with a scrape taken before the traffic, since
/// the tests of this class share one hub.
/// </summary>
[Collection(nameof(MetricsCollectionDefinition))]
public sealed class MetricsTests : IClassFixture<MetricsHubFixture>, IDisposable
{
    private readonly TestHub _hub;
    private readonly HttpClient _http;

    public MetricsTests(MetricsHubFixture fixture)
    {
        _hub = fixture.Hub;
        _http = new HttpClient { BaseAddress = _hub.BaseUri, Timeout = Waits.Max };
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Calls_are_counted_by_method_and_outcome()
    {
        var before = await MetricsScrape.GetAsync(_http);
        await using var socket = await RawSocket.ConnectAsync(_hub.WebSocketUri);

        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");
        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"divide\",\"params\":[1,0],\"id\":2}");
        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"refuse\",\"id\":3}");
        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"no_such_method\",\"id\":4}");
        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"no_such_topic\"],\"id\":5}");
        await socket.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}");
        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_topics\",\"id\":6}");

        var expected = new[]
        {
            ("ping", "ok"), ("divide", "-32603"), ("refuse", "-32010"), ("unknown", "-32601"),
            ("subscribe", "-32602"), ("ping", "notification"), ("get_topics", "ok"),
        };
        var after = await MetricsScrape.UntilAsync(
            _http,
            scrape => expected.All(e => Calls(scrape, e.Item1, e.Item2) == Calls(before, e.Item1, e.Item2) + 1),
            "one more call for each of " + string.Join(", ", expected));
        Assert.Equal("counter", after.TypeOf("hub_calls_total"));
    }

    [Fact]
    public async Task Call_of_a_method_the_caller_may_not_use_is_counted_as_an_unknown_method()
    {
        var before = await MetricsScrape.GetAsync(_http);
        await using var socket = await RawSocket.ConnectAsync(_hub.WebSocketUri);

        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"whoami\",\"id\":1}");

        var after = await MetricsScrape.UntilAsync(
            _http, scrape => Calls(scrape, "unknown", "-32601") == Calls(before, "unknown", "-32601") + 1, "the call as method=\"unknown\"");
        Assert.Equal(Calls(before, "whoami", "-32601"), Calls(after, "whoami", "-32601"));
    }

    [Fact]
    public async Task Unknown_method_names_do_not_become_label_values()
    {
        var name = "made_up_" + Guid.NewGuid().ToString("N");
        var before = await MetricsScrape.GetAsync(_http);
        await using var socket = await RawSocket.ConnectAsync(_hub.WebSocketUri);

        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"" + name + "\",\"id\":1}");

        var after = await MetricsScrape.UntilAsync(
            _http, scrape => Calls(scrape, "unknown", "-32601") == Calls(before, "unknown", "-32601") + 1, "the call as method=\"unknown\"");
        Assert.DoesNotContain(name, after.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_duration_is_a_histogram_in_seconds_by_method()
    {
        var before = await MetricsScrape.GetAsync(_http);
        await using var socket = await RawSocket.ConnectAsync(_hub.WebSocketUri);

        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"wait\",\"params\":[100],\"id\":1}");

        var count = before.Value("hub_call_duration_seconds_count", ("method", "wait")) ?? 0;
        var sum = before.Value("hub_call_duration_seconds_sum", ("method", "wait")) ?? 0;
        var fast = before.Value("hub_call_duration_seconds_bucket", ("method", "wait"), ("le", "0.05")) ?? 0;
        var after = await MetricsScrape.UntilAsync(
            _http, scrape => scrape.Value("hub_call_duration_seconds_count", ("method", "wait")) == count + 1, "one more timed call of wait");
        Assert.Equal("histogram", after.TypeOf("hub_call_duration_seconds"));
        // Task.Delay may end a tick early by the Stopwatch's clock.
        Assert.InRange(after.Value("hub_call_duration_seconds_sum", ("method", "wait"))!.Value - sum, 0.09, Waits.Max.TotalSeconds);
        Assert.Equal(fast, after.Value("hub_call_duration_seconds_bucket", ("method", "wait"), ("le", "0.05")));
        Assert.Equal(count + 1, after.Value("hub_call_duration_seconds_bucket", ("method", "wait"), ("le", "+Inf")));
    }

    [Fact]
    public async Task Requests_past_the_in_flight_limit_count_as_32002()
    {
        var before = await MetricsScrape.GetAsync(_http);
        await using var socket = await RawSocket.ConnectAsync(_hub.WebSocketUri);
        var wait = "{\"jsonrpc\":\"2.0\",\"method\":\"wait\",\"params\":[300],\"id\":ID}";

        var reply = await socket.CallAsync("[" + string.Join(',', Enumerable.Range(1, 5).Select(i => wait.Replace("ID", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))) + "]");

        Assert.Contains("\"code\":-32002", reply, StringComparison.Ordinal);
        await MetricsScrape.UntilAsync(
            _http,
            scrape => Calls(scrape, "wait", "-32002") == Calls(before, "wait", "-32002") + 1 && Calls(scrape, "wait", "ok") == Calls(before, "wait", "ok") + 4,
            "4 wait calls ok and one -32002");
    }

    [Fact]
    public async Task Batches_are_measured_by_their_entries()
    {
        var before = await MetricsScrape.GetAsync(_http);
        await using var socket = await RawSocket.ConnectAsync(_hub.WebSocketUri);

        await socket.CallAsync("[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1},{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2},{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":3}]");

        var count = before.Value("hub_batch_size_count") ?? 0;
        var sum = before.Value("hub_batch_size_sum") ?? 0;
        await MetricsScrape.UntilAsync(
            _http, scrape => scrape.Value("hub_batch_size_count") == count + 1 && scrape.Value("hub_batch_size_sum") == sum + 3, "one batch of 3");
    }

    [Fact]
    public async Task Protocol_errors_are_counted_by_code()
    {
        var before = await MetricsScrape.GetAsync(_http);
        await using var socket = await RawSocket.ConnectAsync(_hub.WebSocketUri);

        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\"");
        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"id\":1}");

        await MetricsScrape.UntilAsync(
            _http,
            scrape => ProtocolErrors(scrape, "-32700") == ProtocolErrors(before, "-32700") + 1 && ProtocolErrors(scrape, "-32600") == ProtocolErrors(before, "-32600") + 1,
            "one -32700 and one -32600");
    }

    [Fact]
    public async Task Connections_are_counted_by_transport_while_open()
    {
        // Sockets of earlier tests may still be closing.
        var before = await MetricsScrape.UntilAsync(_http, scrape => (scrape.Value("hub_connections_active", ("transport", "ws")) ?? 0) == 0, "no open WebSocket");
        var socket = await RawSocket.ConnectAsync(_hub.WebSocketUri);
        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");
        using var post = new StringContent("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}", System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/rpc", post);

        var open = await MetricsScrape.UntilAsync(
            _http,
            scrape => scrape.Value("hub_connections_active", ("transport", "ws")) == 1
                && Opened(scrape, "ws") == Opened(before, "ws") + 1
                && Opened(scrape, "http") == Opened(before, "http") + 1
                && scrape.Value("hub_connections_active", ("transport", "http")) == 0,
            "one open WebSocket, and one HTTP request served");
        await socket.DisposeAsync();

        Assert.Equal("gauge", open.TypeOf("hub_connections_active"));
        Assert.Equal("counter", open.TypeOf("hub_connections_opened_total"));
        await MetricsScrape.UntilAsync(_http, scrape => scrape.Value("hub_connections_active", ("transport", "ws")) == 0, "the WebSocket closed");
    }

    [Fact]
    public async Task Notifications_published_and_delivered_are_counted_by_topic()
    {
        var before = await MetricsScrape.GetAsync(_http);
        await using var first = await RawSocket.ConnectAsync(_hub.WebSocketUri);
        await using var second = await RawSocket.ConnectAsync(_hub.WebSocketUri);
        var subscribe = "{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"demo\"],\"id\":1}";
        await first.CallAsync(subscribe);
        await second.CallAsync(subscribe);

        await _hub.Runtime.NotifyAsync("demo", new { n = 1 });

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"demo\",\"params\":{\"n\":1}}", await first.ReceiveAsync());
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"demo\",\"params\":{\"n\":1}}", await second.ReceiveAsync());
        var after = await MetricsScrape.UntilAsync(
            _http,
            scrape => Notifications(scrape, "published", "demo") == Notifications(before, "published", "demo") + 1
                && Notifications(scrape, "delivered", "demo") == Notifications(before, "delivered", "demo") + 2,
            "one notification published to demo and delivered twice");
        Assert.Equal("counter", after.TypeOf("hub_notifications_published_total"));
        Assert.Equal("counter", after.TypeOf("hub_notifications_delivered_total"));
    }

    [Fact]
    public async Task Slow_consumer_disconnects_are_counted()
    {
        var before = await MetricsScrape.GetAsync(_http);
        var disconnects = before.Value("hub_slow_consumer_disconnects_total") ?? 0;
        var stalled = await RawSocket.ConnectAsync(_hub.WebSocketUri, receive: false);
        await stalled.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"bench\"],\"id\":1}");
        var payload = new string('p', 16 * 1024);

        // Publish until the reader that never reads has filled its socket buffers and then its queue of 5, and was
        // closed: 64 MiB at most, far more than the buffers take. Publishing outruns delivery, so the close may
        // come only after the last publish: then wait for it.
        var published = 0;
        MetricsScrape scrape;
        do
        {
            for (var i = 0; i < 32; i++, published++)
            {
                await _hub.Runtime.NotifyAsync("bench", new { i = published, payload });
            }

            scrape = await MetricsScrape.GetAsync(_http);
        }
        while ((scrape.Value("hub_slow_consumer_disconnects_total") ?? 0) < disconnects + 1 && published < 4096);

        scrape = await MetricsScrape.UntilAsync(
            _http, s => (s.Value("hub_slow_consumer_disconnects_total") ?? 0) >= disconnects + 1, "the stalled reader closed as a slow consumer");
        Assert.Equal("counter", scrape.TypeOf("hub_slow_consumer_disconnects_total"));

        // The meter is the process's, and tests running beside this one may close slow consumers of their own: that
        // the count went up is not enough, the server must have ended this reader. Its close frame (or the abort,
        // once the transport gave up on sending it) comes after what it never read.
        Assert.True(await EndedByServerAsync(stalled.Socket), "the stalled reader was not closed by the server");
        await stalled.DisposeAsync();
    }

    /// <summary>Reads what was queued for a socket until the server's close or abort: true; false if it stays open for <see cref="Waits.Max"/>.</summary>
    private static async Task<bool> EndedByServerAsync(System.Net.WebSockets.ClientWebSocket socket)
    {
        using var cap = new CancellationTokenSource(Waits.Max);
        var buffer = new byte[64 * 1024];
        try
        {
            while ((await socket.ReceiveAsync(buffer, cap.Token)).MessageType != System.Net.WebSockets.WebSocketMessageType.Close)
            {
            }

            return socket.CloseStatus == (System.Net.WebSockets.WebSocketCloseStatus)1008;
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Cluster_members_gauge_shows_this_single_node_up()
    {
        var scrape = await MetricsScrape.UntilAsync(
            _http, s => s.Value("hub_cluster_members") == 1 && s.Value("hub_cluster_members_unreachable") == 0, "one member Up, none unreachable");

        Assert.Equal("gauge", scrape.TypeOf("hub_cluster_members"));
    }

    [Fact]
    public async Task Inbound_budget_gauges_are_served_under_their_README_names()
    {
        // Their values are covered by InboundLimitsTests; the meter is one per process, so here only the names.
        var scrape = await MetricsScrape.UntilAsync(
            _http, s => s.TypeOf("hub_inbound_bytes") is not null && s.TypeOf("hub_inbound_waiting") is not null, "both gauges are scraped");

        Assert.Equal("gauge", scrape.TypeOf("hub_inbound_bytes"));
        Assert.Equal("gauge", scrape.TypeOf("hub_inbound_waiting"));
    }

    [Fact]
    public async Task AspNetCore_and_runtime_meters_are_served_too()
    {
        await _http.GetStringAsync("/healthz");

        await MetricsScrape.UntilAsync(
            _http,
            scrape => scrape.Find("http_server_request_duration_seconds_count").Any() && scrape.Samples.Any(s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal)),
            "ASP.NET Core's request durations and the runtime's dotnet_* metrics");
    }

    private static double Calls(MetricsScrape scrape, string method, string outcome) =>
        scrape.Value("hub_calls_total", ("method", method), ("outcome", outcome)) ?? 0;

    private static double ProtocolErrors(MetricsScrape scrape, string code) =>
        scrape.Value("hub_protocol_errors_total", ("code", code)) ?? 0;

    private static double Opened(MetricsScrape scrape, string transport) =>
        scrape.Value("hub_connections_opened_total", ("transport", transport)) ?? 0;

    private static double Notifications(MetricsScrape scrape, string what, string topic) =>
        scrape.Value("hub_notifications_" + what + "_total", ("topic", topic)) ?? 0;
}
