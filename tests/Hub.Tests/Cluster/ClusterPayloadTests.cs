using System.Security.Claims;
using Akka.Actor;
using Akka.Configuration;
using Hub.Auth;
using Hub.Cluster;
using Hub.Cluster.Serialization;
using Hub.Connections;
using Hub.Host.Configuration;
using Hub.Methods;
using Hub.Protocol;
using Hub.Topics;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Cluster;

/// <summary>The one size rule for what crosses nodes: its limit, its estimates against the real serializer, its refusals.</summary>
public sealed class ClusterPayloadTests : Akka.TestKit.Xunit2.TestKit
{
    private const long Frame = 100_000;

    private static readonly Config ClusterConfig = ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp {{ hostname = 127.0.0.1, port = 0, maximum-frame-size = {Frame}b }}")
        .WithFallback(HubConfig.ClusterHocon())
        .WithFallback(HubSettings.DefaultConfig());

    private static readonly HubUser Alice = new(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice"), new Claim("permission", "secret")], "Bearer")));

    public ClusterPayloadTests(ITestOutputHelper output)
        : base(ClusterConfig, output: output)
    {
    }

    private ClusterPayload Payload => ClusterPayload.For(Sys);

    private IActorRef Remote => ((ExtendedActorSystem)Sys).Provider.ResolveActorRef("akka.tcp://hub@10.0.0.9:4053/user/hub-connections/ws-1");

    [Fact]
    public void Limit_is_the_frame_less_the_envelope_reserve()
    {
        Assert.Equal(Frame - ClusterPayload.EnvelopeReserveBytes, Payload.Limit);
    }

    [Fact]
    public void Notification_over_the_limit_throws_with_its_sizes_and_logs_one_warning()
    {
        var frame = JsonRpcEncoder.Notification("prices", JObject.FromObject(new { big = new string('x', (int)Frame) }));

        var refused = EventFilter.Warning(contains: "Notification to prices refused").ExpectOne(() => Assert.Throws<HubPayloadTooLargeException>(() => Payload.CheckNotification("prices", frame)));

        Assert.Equal(Payload.Limit, refused.Limit);
        // The frame, its length, the topic with its length, and the delivery's origin (4 B) and stamp (8 B).
        Assert.Equal(frame.Length + 4 + 5 + 6 + 12, refused.Size);
        Assert.Equal($"'data' is too large to cross the cluster: {refused.Size} B, over the limit of {refused.Limit} B", refused.Message);
    }

    [Fact]
    public void Notification_at_the_limit_passes()
    {
        var prefix = JsonRpcEncoder.Notification("prices", new JArray(string.Empty)).Length;
        var frame = JsonRpcEncoder.Notification("prices", new JArray(new string('x', (int)Payload.Limit - 4 - 5 - 6 - 12 - prefix)));

        Payload.CheckNotification("prices", frame);

        Assert.Equal(Payload.Limit, frame.Length + 4 + 5 + 6 + 12);
    }

    [Fact]
    public void Routed_call_over_the_limit_is_refused_with_32602_and_why()
    {
        var caller = new MethodProtocol.Caller("ws-7", Alice, TestActor);

        var error = EventFilter.Warning(contains: "Call to echo from ws-7 refused").ExpectOne(() => Payload.RefuseRoutedCall(RequestId.FromString("a"), "echo", new JArray(new string('x', (int)Frame)), caller, frameBytes: Frame));

        Assert.NotNull(error);
        Assert.Equal(-32602, error.Code);
        Assert.Matches("^params too large to reach the node serving 'echo': \\d+ B, over the limit of 83616 B$", (string?)error.Data);
    }

    [Fact]
    public void Routed_call_within_the_limit_is_not_refused()
    {
        Assert.Null(Payload.RefuseRoutedCall(RequestId.FromString("a"), "echo", new JArray(new string('x', 1000)), new MethodProtocol.Caller("ws-7", Alice, TestActor), frameBytes: 1100));
    }

    [Fact]
    public void Routed_call_from_a_frame_that_could_grow_past_the_limit_is_measured_and_passes_when_it_did_not()
    {
        // 20,000 B of frame could grow to 100,000 B, past the limit; the params written again are about 1 KB.
        Assert.Null(Payload.RefuseRoutedCall(RequestId.FromString("a"), "echo", new JArray(new string('x', 1000)), new MethodProtocol.Caller("ws-7", Alice, TestActor), frameBytes: 20_000));
    }

    [Fact]
    public void Routed_call_whose_params_grow_past_the_limit_when_written_again_is_refused()
    {
        // 1e20 is 4 bytes in the frame and 21 digits written again (PROTOCOL.md section 2): 4.4 times.
        var count = (int)(Frame / 20);
        var text = "[" + string.Join(',', Enumerable.Repeat("1e20", count)) + "]";
        var parameters = Hub.Protocol.JsonRpcParser.Parse(System.Text.Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":" + text + ",\"id\":\"a\"}"), 64, 10) is Hub.Protocol.ParsedFrame.Single { Message: Hub.Protocol.JsonRpcRequest request } ? request.Params : null;

        var error = EventFilter.Warning(contains: "Call to echo from ws-7 refused").ExpectOne(() => Payload.RefuseRoutedCall(RequestId.FromString("a"), "echo", parameters, new MethodProtocol.Caller("ws-7", Alice, TestActor), frameBytes: text.Length + 50));

        Assert.NotNull(error);
    }

    [Fact]
    public void Reply_over_the_limit_to_a_caller_on_another_node_becomes_32603_with_one_warning()
    {
        var call = Invoke(RequestId.FromString("a"));
        var reply = JsonRpcEncoder.Success(RequestId.FromString("a"), new JValue(new string('r', (int)Frame)));

        var completed = EventFilter.Warning(contains: "Reply of echo to ws-1 on another node refused").ExpectOne(() => Payload.Completed(Remote, call, reply));

        Assert.Equal(7, completed.CallKey);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"Internal error\"},\"id\":\"a\"}", System.Text.Encoding.UTF8.GetString(completed.Reply!));
    }

    [Fact]
    public void Reply_over_the_limit_to_a_caller_on_this_node_is_kept()
    {
        var reply = JsonRpcEncoder.Success(RequestId.FromString("a"), new JValue(new string('r', (int)Frame)));

        var completed = Payload.Completed(TestActor, Invoke(RequestId.FromString("a")), reply);

        Assert.Same(reply, completed.Reply);
    }

    [Fact]
    public void Server_to_client_call_over_the_limit_to_a_client_on_another_node_throws()
    {
        var refused = Assert.Throws<HubPayloadTooLargeException>(() => Payload.CheckCallClient(Remote, "ws-1", "confirm", new JArray(new string('q', (int)Frame))));

        Assert.True(refused.Size > refused.Limit);
    }

    [Fact]
    public void Server_to_client_call_over_the_limit_to_a_client_on_this_node_passes()
    {
        Payload.CheckCallClient(TestActor, "ws-1", "confirm", new JArray(new string('q', (int)Frame)));
    }

    [Fact]
    public void Client_answer_over_the_limit_for_an_asker_on_another_node_does_not_fit()
    {
        Assert.False(Payload.FitsClientAnswer(Remote, "ws-1", new JValue(new string('a', (int)Frame)), null));
        Assert.True(Payload.FitsClientAnswer(TestActor, "ws-1", new JValue(new string('a', (int)Frame)), null));
    }

    public static TheoryData<string> Messages() => ["invoke", "invoke anonymous", "reply", "call client", "client answered", "client answered error"];

    /// <summary>The estimates never undercount what the serializer writes, and overcount by at most the fixed allowance.</summary>
    [Theory]
    [MemberData(nameof(Messages))]
    public void Estimate_covers_the_serialized_size(string name)
    {
        var serializer = new HubMessageSerializer((ExtendedActorSystem)Sys);
        var json = JToken.Parse("{\"text\":\"h\u00e9llo \\u2028 \\\"q\\\"\",\"n\":[1e20,1.5,-0,123456789012345678901234567890]}");
        var caller = new MethodProtocol.Caller("ws-1", name == "invoke anonymous" ? HubUser.Anonymous : Alice, Remote);
        var error = new JsonRpcError(-32000, "n\u00f6", json);
        var reply = JsonRpcEncoder.Success(RequestId.FromString("id"), json);

        (object Message, long Estimate) sample = name switch
        {
            "invoke" or "invoke anonymous" => (new MethodProtocol.Invoke(7, RequestId.FromString("id"), "m\u00e9thode", json, caller, TimeSpan.FromSeconds(3)), ClusterPayload.SizeOfRoutedCall(RequestId.FromString("id"), "m\u00e9thode", json, caller.ConnectionId, caller.User)),
            "reply" => (new MethodProtocol.Completed(7, reply), ClusterPayload.SizeOfReply(reply)),
            "call client" => (new ConnectionProtocol.CallClient("confirm", json), ClusterPayload.SizeOfCallClient("confirm", json)),
            "client answered" => (new ConnectionProtocol.ClientAnswered(json, null), ClusterPayload.SizeOfClientAnswer(json, null)),
            _ => (new ConnectionProtocol.ClientAnswered(null, error), ClusterPayload.SizeOfClientAnswer(null, error)),
        };

        var actual = serializer.ToBinary(sample.Message).Length;

        Assert.InRange(sample.Estimate, actual, actual + 1100);
    }

    [Fact]
    public void Notification_estimate_is_the_serialized_size_give_or_take_a_length_prefix()
    {
        var frame = JsonRpcEncoder.Notification("pr\u00efces", new JArray(1));
        var actual = new HubMessageSerializer((ExtendedActorSystem)Sys).ToBinary(new TopicProtocol.Deliver("pr\u00efces", frame, 12345, 638_000_000_000_000_000)).Length;

        Assert.InRange(ClusterPayload.SizeOfNotification("pr\u00efces", frame), actual, actual + 4);
    }

    private static MethodProtocol.Invoke Invoke(RequestId id) =>
        new(7, id, "echo", null, new MethodProtocol.Caller("ws-1", HubUser.Anonymous, null), TimeSpan.FromSeconds(3));
}
