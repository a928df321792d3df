using Hub.Methods;
using Hub.Tests.Support;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Integration;

/// <summary>
/// The three ways to author a method (DESIGN.md, Methods), driven through a real hub without the demo service,
/// so each hub serves only what its test registers.
/// </summary>
public sealed class MethodAuthoringTests
{
    private const string InternalError = "{\"code\":-32603,\"message\":\"Internal error\"}";

    [Fact]
    public async Task Delegate_binds_params_by_position()
    {
        await using var hub = await StartAsync(h => h.AddMethod("repeat", (string text, int count) => string.Concat(Enumerable.Repeat(text, count))));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"repeat\",\"params\":[\"ab\",3],\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"ababab\",\"id\":1}", reply);
    }

    [Fact]
    public async Task Delegate_binds_params_by_name_in_any_order()
    {
        await using var hub = await StartAsync(h => h.AddMethod("repeat", (string text, int count) => string.Concat(Enumerable.Repeat(text, count))));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"repeat\",\"params\":{\"count\":2,\"text\":\"xy\"},\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"xyxy\",\"id\":1}", reply);
    }

    [Fact]
    public async Task Async_delegate_returning_Task_of_T_answers_its_result()
    {
        await using var hub = await StartAsync(h => h.AddMethod("double", async (int a) =>
        {
            await Task.Yield();
            return a * 2;
        }));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"double\",\"params\":[21],\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":42,\"id\":1}", reply);
    }

    [Fact]
    public async Task Async_delegate_returning_ValueTask_of_T_answers_its_result()
    {
        await using var hub = await StartAsync(h => h.AddMethod("greet", async ValueTask<string> (string name) =>
        {
            await Task.Yield();
            return "hello " + name;
        }));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"greet\",\"params\":{\"name\":\"ada\"},\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"hello ada\",\"id\":1}", reply);
    }

    [Fact]
    public async Task Async_delegate_returning_plain_Task_answers_null_once_it_completes()
    {
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = await StartAsync(h => h.AddMethod("work", async Task () =>
        {
            await Task.Yield();
            ran.TrySetResult();
        }));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"work\",\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1}", reply);
        Assert.True(ran.Task.IsCompleted);
    }

    [Fact]
    public async Task CancellationToken_and_HubCallContext_are_injected_and_not_bound_from_params()
    {
        await using var hub = await StartAsync(h => h.AddMethod("whoami", (int a, CancellationToken token, HubCallContext context) =>
            new { a, connection = context.ConnectionId, cancellable = token.CanBeCanceled }));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = JObject.Parse(await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"whoami\",\"params\":[5],\"id\":1}"));

        var result = (JObject)reply["result"]!;
        Assert.Equal(5, (int)result["a"]!);
        Assert.False(string.IsNullOrEmpty((string?)result["connection"]));
        Assert.True((bool)result["cancellable"]!);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("{\"a\":1}")]
    public async Task Optional_parameter_takes_its_default_when_absent(string parameters)
    {
        await using var hub = await StartAsync(h => h.AddMethod("plus", (int a, int b = 10) => a + b));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"plus\",\"params\":" + parameters + ",\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":11,\"id\":1}", reply);
    }

    [Theory]
    [InlineData("[\"-\",1,2,3]", "\"1-2-3\"")]
    [InlineData("[\"-\"]", "\"\"")]
    public async Task Params_array_takes_the_remaining_positional_values(string parameters, string result)
    {
        await using var hub = await StartAsync(h => h.AddMethod("join", (string separator, params int[] values) => string.Join(separator, values)));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"join\",\"params\":" + parameters + ",\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":1}", reply);
    }

    [Theory]
    [InlineData(",\"params\":{\"x\":[1,2.5,\"s\"],\"y\":null}", "{\"x\":[1,2.5,\"s\"],\"y\":null}")]
    [InlineData(",\"params\":[true,{},123456789012345678901234567890]", "[true,{},123456789012345678901234567890]")]
    [InlineData("", "null")]
    public async Task RawParams_parameter_receives_params_as_sent(string paramsMember, string expected)
    {
        await using var hub = await StartAsync(h => h.AddMethod("inspect", ([RawParams] JToken? p, HubCallContext context) =>
            new JObject { ["got"] = p ?? JValue.CreateNull() }));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"inspect\"" + paramsMember + ",\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"got\":" + expected + "},\"id\":1}", reply);
    }

    [Theory]
    [InlineData("math.add", "[2,3]", "5")]
    [InlineData("math.square_root", "[9]", "3")]
    public async Task AddMethods_exposes_the_public_methods_under_the_prefix_in_snake_case(string method, string parameters, string result)
    {
        var service = new MathService();
        await using var hub = await StartAsync(h => h.AddMethods(service, prefix: "math"));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + parameters + ",\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":1}", reply);
        Assert.Equal(1, service.Calls);
    }

    [Fact]
    public async Task AddMethods_names_appear_in_get_methods_sorted_after_the_built_ins()
    {
        await using var hub = await StartAsync(h => h
            .AddMethod("zeta", () => 0)
            .AddMethods(new MathService(), prefix: "math")
            .AddMethod("alpha", () => 0));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_methods\",\"id\":1}");

        Assert.Equal(
            "{\"jsonrpc\":\"2.0\",\"result\":[\"get_methods\",\"get_topics\",\"get_subscriptions\",\"subscribe\",\"unsubscribe\",\"alpha\",\"math.add\",\"math.multiply\",\"math.square_root\",\"zeta\"],\"id\":1}",
            reply);
    }

    [Fact]
    public async Task Method_separator_comes_from_configuration()
    {
        await using var hub = await StartAsync(h => h.AddMethods(new MathService(), prefix: "math"), new Dictionary<string, string?> { ["Hub:Engine:method-separator"] = "__" });
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var renamed = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"math__multiply\",\"params\":[2,3],\"id\":1}");
        var dotted = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"math.multiply\",\"params\":[2,3],\"id\":2}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1}", renamed);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":2}", dotted);
    }

    [Fact]
    public async Task Method_actor_keeps_its_state_across_calls_from_two_connections()
    {
        await using var hub = await StartAsync(h => h.AddMethodActor<CounterActor>("counter"));
        await using var first = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await using var second = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var one = await first.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"counter\",\"id\":1}");
        var two = await second.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"counter\",\"id\":1}");
        var twelve = await first.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"counter\",\"params\":{\"by\":10},\"id\":2}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}", one);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":1}", two);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":12,\"id\":2}", twelve);
    }

    [Fact]
    public async Task Method_actor_takes_concurrent_calls_one_at_a_time()
    {
        // CounterActor reads, yields, then writes its count: calls that overlapped would lose increments.
        const int PerConnection = 20;
        await using var hub = await StartAsync(h => h.AddMethodActor<CounterActor>("counter"));
        await using var first = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await using var second = await RawSocket.ConnectAsync(hub.WebSocketUri);
        var batch = "[" + string.Join(',', Enumerable.Range(1, PerConnection).Select(i => "{\"jsonrpc\":\"2.0\",\"method\":\"counter\",\"id\":" + i + "}")) + "]";

        await Task.WhenAll(first.SendAsync(batch), second.SendAsync(batch));
        var replies = await Task.WhenAll(first.ReceiveReplyAsync(), second.ReceiveReplyAsync());

        var counts = replies.SelectMany(r => JArray.Parse(r)).Select(r => (long)r["result"]!).Order();
        Assert.Equal(Enumerable.Range(1, 2 * PerConnection).Select(i => (long)i), counts);
    }

    [Fact]
    public async Task Method_actor_that_throws_answers_32603_and_the_connection_stays_open()
    {
        await using var hub = await StartAsync(h => h.AddMethodActor<CounterActor>("counter"));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var failed = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"counter\",\"params\":{\"fail\":true},\"id\":1}");
        var after = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"counter\",\"id\":2}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":" + InternalError + ",\"id\":1}", failed);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":2}", after);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Method_actor_that_throws_is_restarted_with_its_state_rebuilt()
    {
        await using var hub = await StartAsync(h => h.AddMethodActor<CounterActor>("counter"));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":5,\"id\":1}", await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"counter\",\"params\":[5],\"id\":1}"));

        await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"counter\",\"params\":{\"fail\":true},\"id\":2}");
        var after = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"counter\",\"id\":3}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":3}", after);
    }

    [Fact]
    public async Task Handler_returning_NaN_answers_32603()
    {
        await using var hub = await StartAsync(h => h.AddMethod("nan", () => double.NaN));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"nan\",\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":" + InternalError + ",\"id\":1}", reply);
    }

    [Fact]
    public async Task Integer_past_a_doubles_range_answers_32602_naming_the_parameter()
    {
        await using var hub = await StartAsync(h => h.AddMethod("add", (double a, double b) => a + b));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1" + new string('0', 400) + ",1],\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":\"parameter 'a' is out of range\"},\"id\":1}", reply);
    }

    [Fact]
    public async Task HubRpcException_with_data_answers_its_code_message_and_data()
    {
        await using var hub = await StartAsync(h => h.AddMethod("withdraw", (decimal amount) =>
            amount > 100 ? throw new HubRpcException(-32010, "Limit exceeded", new { limit = 100 }) : amount));
        await using var socket = await RawSocket.ConnectAsync(hub.WebSocketUri);

        var reply = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"withdraw\",\"params\":[150],\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32010,\"message\":\"Limit exceeded\",\"data\":{\"limit\":100}},\"id\":1}", reply);
    }

    [Theory]
    [InlineData(-32700)]
    [InlineData(-32768)]
    [InlineData(-32603)]
    [InlineData(-32100)]
    public void HubRpcException_refuses_reserved_codes(int code)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HubRpcException(code, "reserved"));
    }

    [Theory]
    [InlineData(-32769)]
    [InlineData(-32099)]
    [InlineData(-32000)]
    [InlineData(1)]
    public void HubRpcException_accepts_codes_outside_the_reserved_range(int code)
    {
        var exception = new HubRpcException(code, "chosen");

        Assert.Equal(code, exception.Code);
    }

    [Theory]
    [InlineData("rpc.x")]
    [InlineData("")]
    [InlineData("get_methods")]
    [InlineData("get_topics")]
    [InlineData("get_subscriptions")]
    [InlineData("subscribe")]
    [InlineData("unsubscribe")]
    public void Registration_refuses_reserved_and_built_in_names(string name)
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddMethod(name, () => 0));
    }

    [Fact]
    public void Registration_refuses_a_reserved_name_for_a_method_actor()
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddMethodActor<CounterActor>("rpc.counter"));
    }

    [Fact]
    public void Registration_refuses_a_duplicate_name()
    {
        var builder = new HubBuilder().AddMethod("ping", () => "pong");

        Assert.Throws<ArgumentException>(() => builder.AddMethodActor<CounterActor>("ping"));
    }

    [Fact]
    public async Task Handler_publishing_through_its_call_context_reaches_a_subscriber()
    {
        await using var hub = await StartAsync(h => h
            .AddTopic("news")
            .AddMethod("announce", async (string text, HubCallContext context) =>
            {
                await context.NotifyAsync("news", new { text });
                return true;
            }));
        await using var subscriber = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await using var publisher = await RawSocket.ConnectAsync(hub.WebSocketUri);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"news\"],\"id\":1}", await subscriber.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"news\"],\"id\":1}"));

        var published = await publisher.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"announce\",\"params\":[\"hi\"],\"id\":1}");

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}", published);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"news\",\"params\":{\"text\":\"hi\"}}", await subscriber.ReceiveAsync());
        Assert.True(await publisher.IsQuietAsync());
    }

    [Fact]
    public async Task IHub_from_the_services_publishes_to_subscribers()
    {
        await using var hub = await StartAsync(h => h.AddTopic("news"));
        await using var subscriber = await RawSocket.ConnectAsync(hub.WebSocketUri);
        await subscriber.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"news\"],\"id\":1}");

        await hub.App.Services.GetRequiredService<IHub>().NotifyAsync("news", new[] { 1, 2 });

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"news\",\"params\":[1,2]}", await subscriber.ReceiveAsync());
    }

    [Fact]
    public async Task IHub_refuses_data_that_is_not_an_object_an_array_or_null()
    {
        await using var hub = await StartAsync(h => h.AddTopic("news"));
        var publisher = hub.App.Services.GetRequiredService<IHub>();

        await Assert.ThrowsAsync<ArgumentException>(() => publisher.NotifyAsync("news", "just text"));
    }

    [Fact]
    public async Task IHub_refuses_an_undeclared_topic()
    {
        await using var hub = await StartAsync(h => h.AddTopic("news"));
        var publisher = hub.App.Services.GetRequiredService<IHub>();

        await Assert.ThrowsAsync<ArgumentException>(() => publisher.NotifyAsync("sports", new { score = 1 }));
    }

    private static Task<TestHub> StartAsync(Action<HubBuilder> configure, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Hub:Demo"] = "false" };
        return TestHub.StartAsync(all, configure);
    }

    /// <summary>
    /// Registered with <c>AddMethods</c>: each public method becomes <c>prefix + separator + name</c>; the
    /// <see cref="Calls"/> property is not a method.
    /// </summary>
    public sealed class MathService
    {
        private long _calls;

        public long Calls => Interlocked.Read(ref _calls);

        public double Add(double a, double b)
        {
            Interlocked.Increment(ref _calls);
            return a + b;
        }

        public double Multiply(double a, double b)
        {
            Interlocked.Increment(ref _calls);
            return a * b;
        }

        public double SquareRoot(double x)
        {
            Interlocked.Increment(ref _calls);
            return Math.Sqrt(x);
        }
    }

    /// <summary>
    /// Counts calls; <c>by</c> (default 1) is added. <c>{"fail":true}</c> throws. The read and the write straddle an
    /// await, so overlapping calls would lose increments.
    /// </summary>
    public sealed class CounterActor : MethodActor
    {
        private long _count;

        protected override async Task<object?> OnCallAsync(MethodCall request)
        {
            if (request.Param(1, "fail", false))
            {
                throw new InvalidOperationException("asked to fail");
            }

            var by = request.Param(0, "by", 1L);
            var before = _count;
            await Task.Yield();
            _count = before + by;
            return _count;
        }
    }
}
