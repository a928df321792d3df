using System.Net;
using System.Text;
using Hub.Tests.Support;

namespace Hub.Tests.Integration;

/// <summary>JSON-RPC over <c>POST /rpc</c> (PROTOCOL.md section 1).</summary>
public sealed class HttpTransportTests : IClassFixture<HubHostFixture>, IDisposable
{
    private const string SmallLimit = "2048";

    private readonly HubHostFixture _fixture;
    private readonly HttpClient _http = new() { Timeout = Waits.Max };

    public HttpTransportTests(HubHostFixture fixture) => _fixture = fixture;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Single_request_answers_200_with_the_reply_as_application_json()
    {
        using var response = await PostAsync(_fixture.HttpUri, "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":[42,23],\"id\":1}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":19,\"id\":1}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Batch_answers_the_replies_in_request_order()
    {
        // The first entry finishes last, so the order of the reply is the order of the requests, not of completion.
        var batch = "[{\"jsonrpc\":\"2.0\",\"method\":\"sleep\",\"params\":[200],\"id\":\"slow\"},"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"notify_hello\",\"params\":[7]},"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2},"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"no_such_method\",\"id\":3}]";

        using var response = await PostAsync(_fixture.HttpUri, batch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            "[{\"jsonrpc\":\"2.0\",\"result\":200,\"id\":\"slow\"},{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":2},{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":3}]",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Notification_answers_204_with_an_empty_body()
    {
        using var response = await PostAsync(_fixture.HttpUri, "{\"jsonrpc\":\"2.0\",\"method\":\"update\",\"params\":[1,2,3,4,5]}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Batch_of_notifications_only_answers_204_with_an_empty_body()
    {
        using var response = await PostAsync(_fixture.HttpUri, "[{\"jsonrpc\":\"2.0\",\"method\":\"notify_sum\",\"params\":[1,2,4]},{\"jsonrpc\":\"2.0\",\"method\":\"notify_hello\",\"params\":[7]}]");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Unparsable_body_answers_200_with_32700_and_null_id()
    {
        using var response = await PostAsync(_fixture.HttpUri, "{\"jsonrpc\":\"2.0\",\"method\":\"foobar,\"params\":\"bar\",\"baz]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"", body, StringComparison.Ordinal);
        Assert.EndsWith("},\"id\":null}", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("subscribe", "[\"demo\"]")]
    [InlineData("unsubscribe", "[\"demo\"]")]
    [InlineData("get_subscriptions", "[]")]
    public async Task Connection_built_in_over_http_answers_32601(string method, string parameters)
    {
        using var response = await PostAsync(_fixture.HttpUri, "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + parameters + ",\"id\":1}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":1}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_methods_over_http_leaves_out_the_connection_built_ins()
    {
        using var response = await PostAsync(_fixture.HttpUri, "{\"jsonrpc\":\"2.0\",\"method\":\"get_methods\",\"id\":1}");

        Assert.Equal(
            "{\"jsonrpc\":\"2.0\",\"result\":[\"get_methods\",\"get_topics\",\"add\",\"computer_says_no\",\"divide\",\"echo\",\"get_data\",\"notify_hello\",\"ping\",\"publish\",\"sleep\",\"subtract\",\"sum\",\"update\"],\"id\":1}",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Handler_exception_over_http_answers_32603()
    {
        using var response = await PostAsync(_fixture.HttpUri, "{\"jsonrpc\":\"2.0\",\"method\":\"divide\",\"params\":[1,0],\"id\":\"d\"}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"Internal error\"},\"id\":\"d\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wrong_content_type_answers_415()
    {
        using var content = new StringContent("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}", Encoding.UTF8, "text/plain");

        using var response = await _http.PostAsync(_fixture.HttpUri, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Body_of_exactly_the_limit_is_accepted()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:MaxMessageBytes"] = SmallLimit });

        using var response = await PostAsync(hub.HttpUri, PaddedPing(int.Parse(SmallLimit, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Body_over_the_limit_answers_413()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:MaxMessageBytes"] = SmallLimit });

        using var response = await PostAsync(hub.HttpUri, PaddedPing(int.Parse(SmallLimit, System.Globalization.CultureInfo.InvariantCulture) + 1));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_without_content_length_answers_413()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:MaxMessageBytes"] = SmallLimit });
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(PaddedPing(3 * 2048))));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, hub.HttpUri) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>A ping request padded with an ignored member to exactly <paramref name="bytes"/> bytes.</summary>
    private static string PaddedPing(int bytes)
    {
        const string Head = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1,\"pad\":\"";
        const string Tail = "\"}";
        var body = Head + new string('x', bytes - Head.Length - Tail.Length) + Tail;
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(body));
        return body;
    }

    private async Task<HttpResponseMessage> PostAsync(Uri uri, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await _http.PostAsync(uri, content);
    }
}
