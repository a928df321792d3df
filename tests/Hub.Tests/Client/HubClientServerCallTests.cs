using Hub.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

public sealed class HubClientServerCallTests
{
    [Fact]
    public async Task On_async_handler_answers_server_call_with_its_result()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        client.On("confirm", async question =>
        {
            await Task.Yield();
            return new { answer = (string?)question?["text"] + "? yes" };
        });

        var reply = await server.CallClientAsync("confirm", new JObject { ["text"] = "proceed" });

        Assert.Equal("2.0", (string?)reply["jsonrpc"]);
        Assert.Equal("s:1", (string?)reply["id"]);
        Assert.True(JToken.DeepEquals(new JObject { ["answer"] = "proceed? yes" }, reply["result"]));
        Assert.False(reply.ContainsKey("error"));
    }

    [Fact]
    public async Task On_sync_handler_answers_server_call_with_its_result()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        client.On("version", _ => "1.0.0");

        var reply = await server.CallClientAsync("version", null);

        Assert.Equal("1.0.0", (string?)reply["result"]);
    }

    [Fact]
    public async Task On_handler_returning_null_answers_null_result()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        client.On("nothing", _ => (object?)null);

        var reply = await server.CallClientAsync("nothing", null);

        Assert.True(reply.ContainsKey("result"));
        Assert.Equal(JTokenType.Null, reply["result"]!.Type);
    }

    [Fact]
    public async Task On_registered_again_replaces_handler()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        client.On("version", _ => "old");
        client.On("version", _ => "new");

        var reply = await server.CallClientAsync("version", null);

        Assert.Equal("new", (string?)reply["result"]);
    }

    [Fact]
    public async Task Server_call_to_unknown_method_is_answered_method_not_found()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        var reply = await server.CallClientAsync("no_such_method", new JArray(1));

        Assert.Equal("s:1", (string?)reply["id"]);
        Assert.Equal(-32601, (int?)reply["error"]?["code"]);
        Assert.Equal("Method not found", (string?)reply["error"]?["message"]);
        Assert.False(reply.ContainsKey("result"));
    }

    [Fact]
    public async Task On_handler_exception_is_answered_internal_error_and_reported()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var reported = new TaskCompletionSource<(string Method, Exception Error)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new HubClientOptions { OnHandlerError = (method, e) => reported.TrySetResult((method, e)) };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);
        client.On("explode", _ => throw new InvalidOperationException("secret internals"));

        var reply = await server.CallClientAsync("explode", null);

        Assert.Equal(-32603, (int?)reply["error"]?["code"]);
        Assert.Equal("Internal error", (string?)reply["error"]?["message"]);
        Assert.Null(reply["error"]?["data"]);
        var (method, error) = await reported.Task.WaitAsync(Waits.Max);
        Assert.Equal("explode", method);
        Assert.Equal("secret internals", error.Message);
    }

    [Fact]
    public async Task On_handler_throwing_HubRpcException_is_answered_with_its_error()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        client.On("refuse", _ => throw new HubRpcException(-32050, "Not now.", new JObject { ["retry"] = 5 }));

        var reply = await server.CallClientAsync("refuse", null);

        Assert.True(JToken.DeepEquals(
            JToken.Parse("""{"code":-32050,"message":"Not now.","data":{"retry":5}}"""),
            reply["error"]));
    }

    [Fact]
    public async Task On_sync_handler_returning_a_task_is_answered_internal_error()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        client.On("wrong", _ => (object?)Task.FromResult(1));

        var reply = await server.CallClientAsync("wrong", null);

        Assert.Equal(-32603, (int?)reply["error"]?["code"]);
    }

    [Fact]
    public async Task On_handler_may_call_the_server_while_serving()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        client.On("sum_on_server", async parameters => await client.CallAsync<int>("add", [parameters![0], parameters[1]]));

        var reply = await server.CallClientAsync("sum_on_server", new JArray(40, 2));

        Assert.Equal(42, (int?)reply["result"]);
    }

    [Fact]
    public async Task Server_calls_past_MaxServerCallsInFlight_are_answered_too_many_requests_and_run_no_handler()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { MaxServerCallsInFlight = 2 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bothRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = 0;
        client.On("slow", async _ =>
        {
            if (Interlocked.Increment(ref entered) == 2)
            {
                bothRunning.TrySetResult();
            }

            await gate.Task;
            return "done";
        });
        var first = server.CallClientAsync("slow", null);
        var second = server.CallClientAsync("slow", null);
        await bothRunning.Task.WaitAsync(Waits.Max);

        var refused = await server.CallClientAsync("slow", null);

        Assert.Equal(JsonRpcErrorCodes.TooManyRequests, (int?)refused["error"]?["code"]);
        Assert.Equal("Too many requests", (string?)refused["error"]?["message"]);
        Assert.Equal(2, Volatile.Read(ref entered));
        gate.SetResult();
        Assert.Equal("done", (string?)(await first)["result"]);
        Assert.Equal("done", (string?)(await second)["result"]);
        Assert.Equal("done", (string?)(await server.CallClientAsync("slow", null))["result"]);
    }
}
