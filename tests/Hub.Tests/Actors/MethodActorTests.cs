using System.Text;
using Akka.Actor;
using Hub.Methods;
using Hub.Protocol;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Actors;

/// <summary>A user's <see cref="MethodActor"/> served through the Invoke/Completed protocol.</summary>
public sealed class MethodActorTests(ITestOutputHelper output) : ClusterTestKit(output)
{
    [Fact]
    public async Task Calls_share_the_actors_state()
    {
        var counter = Start();

        var first = await CallAsync(counter, 1, "[]");
        var second = await CallAsync(counter, 2, "[5]");

        Assert.Equal("""{"jsonrpc":"2.0","result":1,"id":1}""", first);
        Assert.Equal("""{"jsonrpc":"2.0","result":6,"id":2}""", second);
    }

    [Fact]
    public async Task Exception_answers_32603_and_the_restarted_actor_starts_from_scratch()
    {
        var counter = Start();
        await CallAsync(counter, 1, "[10]");

        var failed = await CallAsync(counter, 2, "[\"fail\"]");
        var after = await CallAsync(counter, 3, "[]");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":2}""", failed);
        Assert.Equal("""{"jsonrpc":"2.0","result":1,"id":3}""", after);
    }

    [Fact]
    public async Task HubRpcException_answers_its_code_message_and_data_and_keeps_the_state()
    {
        var counter = Start();
        await CallAsync(counter, 1, "[10]");

        var refused = await CallAsync(counter, 2, "[\"refuse\"]");
        var after = await CallAsync(counter, 3, "[]");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32010,"message":"Refused","data":{"count":10}},"id":2}""", refused);
        Assert.Equal("""{"jsonrpc":"2.0","result":11,"id":3}""", after);
    }

    [Fact]
    public async Task Param_of_the_wrong_type_answers_32602()
    {
        var counter = Start();

        var reply = await CallAsync(counter, 1, """{"by":true}""");

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"parameter 'by' must be an integer"},"id":1}""", reply);
    }

    [Fact]
    public async Task Notification_completes_without_reply_bytes()
    {
        var counter = Start();
        var connection = CreateTestProbe();

        counter.Tell(Invoke(7, null, "[]"), connection.Ref);

        var completed = await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max);
        Assert.Equal(7, completed.CallKey);
        Assert.Null(completed.Reply);
        Assert.Equal("""{"jsonrpc":"2.0","result":2,"id":1}""", await CallAsync(counter, 1, "[]"));
    }

    [Fact]
    public async Task Calls_are_answered_in_the_order_they_arrive()
    {
        var counter = Start();
        var connection = CreateTestProbe();

        for (var key = 1; key <= 5; key++)
        {
            counter.Tell(Invoke(key, RequestId.FromNumber(key), "[]"), connection.Ref);
        }

        for (var key = 1; key <= 5; key++)
        {
            var completed = await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max);
            Assert.Equal(key, completed.CallKey);
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":" + key + ",\"id\":" + key + "}", Encoding.UTF8.GetString(completed.Reply!));
        }
    }

    [Fact]
    public async Task Call_sees_the_callers_connection_id()
    {
        var runtime = StartHub(h => h.AddMethodActor<WhoActor>("who"));
        Assert.True(runtime.Methods.TryGetLocal("who", out var target));

        var reply = await CallAsync(target.Actor, 1, null);

        Assert.Equal("""{"jsonrpc":"2.0","result":"ws-test","id":1}""", reply);
    }

    private IActorRef Start()
    {
        var runtime = StartHub(h => h.AddMethodActor<CounterActor>("counter"));
        Assert.True(runtime.Methods.TryGetLocal("counter", out var target));
        return target.Actor;
    }

    private static MethodProtocol.Invoke Invoke(long key, RequestId? id, string? parameters) =>
        new(key, id, "counter", parameters is null ? null : JToken.Parse(parameters), new MethodProtocol.Caller("ws-test", Hub.Auth.HubUser.Anonymous, null), Waits.Max);

    private async Task<string> CallAsync(IActorRef actor, long id, string? parameters)
    {
        var connection = CreateTestProbe();
        actor.Tell(Invoke(id, RequestId.FromNumber(id), parameters), connection.Ref);
        var completed = await connection.ExpectMsgAsync<MethodProtocol.Completed>(Waits.Max);
        Assert.Equal(id, completed.CallKey);
        return Encoding.UTF8.GetString(completed.Reply!);
    }

    /// <summary>Adds its argument (default 1) and answers the total; "fail" throws, "refuse" throws a HubRpcException.</summary>
    private sealed class CounterActor : MethodActor
    {
        private long _count;

        protected override Task<object?> OnCallAsync(MethodCall request)
        {
            if (request.Params is JArray { Count: 1 } array && array[0].Type == JTokenType.String)
            {
                return (string?)array[0] switch
                {
                    "fail" => throw new InvalidOperationException("counter broke"),
                    _ => throw new HubRpcException(-32010, "Refused", new { count = _count }),
                };
            }

            _count += request.Param(0, "by", 1L);
            return Task.FromResult<object?>(_count);
        }
    }

    private sealed class WhoActor : MethodActor
    {
        protected override Task<object?> OnCallAsync(MethodCall request) => Task.FromResult<object?>(request.ConnectionId);
    }
}
