using Hub.Tests.Support;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientCallTests
{
    [Fact]
    public async Task CallAsync_with_positional_params_returns_typed_result()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var sum = await client.CallAsync<int>("add", [2, 3]).WaitAsync(Waits.Max);

        Assert.Equal(5, sum);
        var request = await server.WaitForRequestAsync("add");
        Assert.Equal("2.0", (string?)request["jsonrpc"]);
        Assert.Equal(JTokenType.Integer, request["id"]!.Type);
        Assert.True(JToken.DeepEquals(new JArray(2, 3), request["params"]));
    }

    [Fact]
    public async Task CallByNameAsync_with_anonymous_object_sends_json_object()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var sum = await client.CallByNameAsync<double>("add", new { a = 1.5, b = 2 }).WaitAsync(Waits.Max);

        Assert.Equal(3.5, sum);
        var request = await server.WaitForRequestAsync("add");
        Assert.True(JToken.DeepEquals(new JObject { ["a"] = 1.5, ["b"] = 2 }, request["params"]));
    }

    [Fact]
    public async Task CallByNameAsync_with_dictionary_sends_json_object()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var sum = await client.CallByNameAsync<long>("add", new Dictionary<string, long> { ["a"] = 40, ["b"] = 2 }).WaitAsync(Waits.Max);

        Assert.Equal(42, sum);
    }

    [Fact]
    public async Task CallByNameAsync_with_jobject_sends_it_as_is()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var named = new JObject { ["x"] = new JArray(1, "two", JValue.CreateNull()), ["y"] = new JObject { ["z"] = true } };

        var echoed = await client.CallByNameAsync("echo", named).WaitAsync(Waits.Max);

        Assert.True(JToken.DeepEquals(named, echoed));
    }

    [Fact]
    public async Task CallByNameAsync_with_params_that_are_not_an_object_throws_ArgumentException()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await Assert.ThrowsAsync<ArgumentException>(() => client.CallByNameAsync("echo", new List<int> { 1, 2 }));
    }

    [Fact]
    public async Task CallAsync_without_params_sends_no_params_member()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var result = await client.CallAsync("echo").WaitAsync(Waits.Max);

        Assert.Equal(JTokenType.Null, result.Type);
        var request = await server.WaitForRequestAsync("echo");
        Assert.False(request.ContainsKey("params"));
    }

    [Fact]
    public async Task CallAsync_with_empty_positional_params_sends_empty_array()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var result = await client.CallAsync("echo", []).WaitAsync(Waits.Max);

        Assert.True(JToken.DeepEquals(new JArray(), result));
    }

    [Fact]
    public async Task CallAsync_untyped_returns_result_as_json()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var result = await client.CallAsync("echo", [1, "two", new { three = 3.5 }, null]).WaitAsync(Waits.Max);

        Assert.True(JToken.DeepEquals(JToken.Parse("""[1,"two",{"three":3.5},null]"""), result));
    }

    [Fact]
    public async Task CallAsync_typed_as_jtoken_returns_raw_result()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var result = await client.CallAsync<JArray>("echo", [1, 2]).WaitAsync(Waits.Max);

        Assert.True(JToken.DeepEquals(new JArray(1, 2), result));
    }

    [Fact]
    public async Task CallAsync_string_that_looks_like_a_date_comes_back_unchanged()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        const string stamp = "2026-11-24T14:57:38.123Z";

        var untyped = await client.CallAsync("echo", [stamp]).WaitAsync(Waits.Max);
        var typed = await client.CallAsync<string[]>("echo", [stamp]).WaitAsync(Waits.Max);

        Assert.Equal(JTokenType.String, untyped[0]!.Type);
        Assert.Equal(stamp, (string?)untyped[0]);
        Assert.Equal([stamp], typed);
    }

    [Fact]
    public async Task CallAsync_uses_serializer_settings_for_params_and_result()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = new HubClientOptions
        {
            SerializerSettings = new JsonSerializerSettings
            {
                ContractResolver = new Newtonsoft.Json.Serialization.DefaultContractResolver
                {
                    NamingStrategy = new Newtonsoft.Json.Serialization.SnakeCaseNamingStrategy(),
                },
            },
        };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);

        var echoed = await client.CallAsync<Point[]>("echo", [new Point { FirstValue = 1, SecondValue = 2 }]).WaitAsync(Waits.Max);

        var request = await server.WaitForRequestAsync("echo");
        Assert.True(JToken.DeepEquals(JToken.Parse("""[{"first_value":1,"second_value":2}]"""), request["params"]));
        Assert.Equal(2, echoed[0].SecondValue);
    }

    [Fact]
    public async Task CallAsync_null_result_gives_null_for_reference_type()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var result = await client.CallAsync<string?>("echo").WaitAsync(Waits.Max);

        Assert.Null(result);
    }

    [Fact]
    public async Task CallAsync_reply_in_several_frames_is_reassembled()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var result = await client.CallAsync<string[]>("fragmented", ["héllo ✓ wörld", "second"]).WaitAsync(Waits.Max);

        Assert.Equal(["héllo ✓ wörld", "second"], result);
    }

    [Fact]
    public async Task CallAsync_reply_larger_than_receive_buffer_is_reassembled()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var large = new string('x', 200_000) + "é";

        var result = await client.CallAsync<string[]>("echo", [large]).WaitAsync(Waits.Max);

        Assert.Equal(large, result[0]);
    }

    [Fact]
    public async Task CallAsync_replies_in_one_batch_frame_complete_each_call()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var first = client.CallAsync<int[]>("batched", [1]);
        var second = client.CallAsync<int[]>("batched", [2]);
        var results = await Task.WhenAll(first, second).WaitAsync(Waits.Max);

        Assert.Equal([1], results[0]);
        Assert.Equal([2], results[1]);
    }

    [Fact]
    public async Task CallAsync_from_many_tasks_answers_every_call_with_its_own_result()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var calls = Enumerable.Range(0, 1_000)
            .Select(i => Task.Run(() => client.CallAsync<long>("add", [i, 1_000_000])))
            .ToArray();
        var results = await Task.WhenAll(calls).WaitAsync(Waits.Max);

        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => i + 1_000_000L), results);
    }

    [Fact]
    public async Task CallAsync_error_reply_throws_HubRpcException_with_code_message_and_data()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var error = await Assert.ThrowsAsync<HubRpcException>(() => client.CallAsync("fail").WaitAsync(Waits.Max));

        Assert.Equal(-32050, error.Code);
        Assert.Equal("Computer says no.", error.Message);
        Assert.True(JToken.DeepEquals(new JObject { ["reason"] = "because" }, error.ErrorData));
    }

    [Fact]
    public async Task CallAsync_unknown_method_throws_HubRpcException_without_data()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var error = await Assert.ThrowsAsync<HubRpcException>(() => client.CallAsync<int>("no_such_method").WaitAsync(Waits.Max));

        Assert.Equal(-32601, error.Code);
        Assert.Equal("Method not found", error.Message);
        Assert.Null(error.ErrorData);
    }

    [Fact]
    public async Task CallAsync_after_error_reply_connection_keeps_working()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        await Assert.ThrowsAsync<HubRpcException>(() => client.CallAsync("fail").WaitAsync(Waits.Max));

        var sum = await client.CallAsync<int>("add", [1, 1]).WaitAsync(Waits.Max);

        Assert.Equal(2, sum);
    }

    [Fact]
    public async Task CallAsync_without_reply_throws_TimeoutException_after_default_timeout()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = new HubClientOptions { DefaultTimeout = TimeSpan.FromMilliseconds(200) };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);

        await Assert.ThrowsAsync<TimeoutException>(() => client.CallAsync("hang").WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task CallAsync_cancelled_throws_OperationCanceledException_with_callers_token()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        using var cancellation = new CancellationTokenSource();

        var call = client.CallAsync("hang", cancellation.Token);
        await server.WaitForRequestAsync("hang");
        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Waits.Max));
        Assert.Equal(cancellation.Token, error.CancellationToken);
    }

    [Fact]
    public async Task CallAsync_with_cancelled_token_sends_nothing()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CallAsync("echo", new CancellationToken(canceled: true)));
        await client.CallAsync("add", [1, 2]).WaitAsync(Waits.Max);

        Assert.Equal(0, server.CountRequests("echo"));
    }

    [Fact]
    public async Task CallAsync_late_reply_after_cancellation_is_discarded()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        using var cancellation = new CancellationTokenSource();
        var call = client.CallAsync("gated", ["late"], cancellation.Token);
        await server.WaitForRequestAsync("gated");
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Waits.Max));

        await server.OpenGateAsync();
        var afterwards = await client.CallAsync<string[]>("echo", ["next"]).WaitAsync(Waits.Max);

        Assert.Equal(["next"], afterwards);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task CallAsync_late_reply_after_timeout_is_discarded()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = new HubClientOptions { DefaultTimeout = TimeSpan.FromMilliseconds(200) };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);
        await Assert.ThrowsAsync<TimeoutException>(() => client.CallAsync("gated", ["late"]).WaitAsync(Waits.Max));

        await server.OpenGateAsync();
        var sum = await client.CallAsync<int>("add", [20, 22]).WaitAsync(Waits.Max);

        Assert.Equal(42, sum);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task NotifyAsync_sends_message_without_id()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await client.NotifyAsync("update", [1, 2, 3]).WaitAsync(Waits.Max);

        var notification = await server.WaitForRequestAsync("update");
        Assert.False(notification.ContainsKey("id"));
        Assert.True(JToken.DeepEquals(new JArray(1, 2, 3), notification["params"]));
    }

    [Fact]
    public async Task NotifyByNameAsync_sends_object_params_without_id()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await client.NotifyByNameAsync("log", new { level = "info" }).WaitAsync(Waits.Max);

        var notification = await server.WaitForRequestAsync("log");
        Assert.False(notification.ContainsKey("id"));
        Assert.True(JToken.DeepEquals(new JObject { ["level"] = "info" }, notification["params"]));
    }

    private sealed class Point
    {
        public int FirstValue { get; set; }

        public int SecondValue { get; set; }
    }
}
