using System.Security.Claims;
using Akka.Actor;
using Akka.Configuration;
using Hub.Cluster;
using Hub.Cluster.Serialization;
using Hub.Connections;
using Hub.Host.Configuration;
using Hub.Methods;
using Hub.Protocol;
using Hub.Topics;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Cluster;

/// <summary>Every message that crosses nodes is bound to Hub's serializer (with the shipped hub.hocon and cluster.hocon) and round-trips.</summary>
public sealed class HubMessageSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config ClusterConfig = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }")
        .WithFallback(HubConfig.ClusterHocon())
        .WithFallback(HubSettings.DefaultConfig());

    public HubMessageSerializerTests(ITestOutputHelper output)
        : base(ClusterConfig, output: output)
    {
    }

    public static TheoryData<string> Messages() => [.. Samples().Keys];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Message_is_bound_to_the_hub_serializer_and_round_trips(string name)
    {
        var message = Samples()[name](TestActor);
        var serializer = Sys.Serialization.FindSerializerFor(message);

        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType<HubMessageSerializer>(serializer);
        Assert.Equal(Describe(message), Describe(back));
    }

    [Fact]
    public void Node_methods_read_back_equal_what_was_written()
    {
        var written = Samples()["node methods"](TestActor);
        var serializer = Sys.Serialization.FindSerializerFor(written);

        var back = Sys.Serialization.Deserialize(serializer.ToBinary(written), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, written));

        Assert.Equal(written, back);
        Assert.Equal(written.GetHashCode(), back.GetHashCode());
    }

    [Fact]
    public void Every_cluster_message_type_has_a_sample()
    {
        var types = typeof(HubBuilder).Assembly.GetTypes()
            .Where(t => typeof(IClusterMessage).IsAssignableFrom(t) && !t.IsInterface)
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(types, Samples().Values.Select(f => f(ActorRefs.Nobody).GetType().Name).Distinct().Order(StringComparer.Ordinal));
    }

    private static Dictionary<string, Func<IActorRef, object>> Samples()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice"), new Claim("permission", "secret")], "Bearer"));
        return new Dictionary<string, Func<IActorRef, object>>
        {
            ["deliver"] = _ => new TopicProtocol.Deliver("prices", "{\"jsonrpc\":\"2.0\",\"method\":\"prices\",\"params\":[1]}"u8.ToArray()),
            ["invoke request"] = connection => new MethodProtocol.Invoke(7, RequestId.FromString("a"), "add", JToken.Parse("[1,2.5,123456789012345678901234567890]"), new MethodProtocol.Caller("ws-1", new Hub.Auth.HubUser(user), connection), TimeSpan.FromSeconds(3)),
            ["invoke notification anonymous"] = _ => new MethodProtocol.Invoke(8, null, "update", null, new MethodProtocol.Caller("http-2", Hub.Auth.HubUser.Anonymous, null), TimeSpan.FromMilliseconds(1500)),
            ["invoke null id"] = connection => new MethodProtocol.Invoke(9, RequestId.Null, "ping", new JObject(), new MethodProtocol.Caller("ws-3", Hub.Auth.HubUser.Anonymous, connection), TimeSpan.FromSeconds(30)),
            ["completed"] = _ => new MethodProtocol.Completed(7, "{\"jsonrpc\":\"2.0\",\"result\":3,\"id\":\"a\"}"u8.ToArray()),
            ["completed notification"] = _ => new MethodProtocol.Completed(8, null),
            ["call client"] = _ => new ConnectionProtocol.CallClient("confirm", JObject.Parse("{\"q\":\"sure?\"}")),
            ["client answered"] = _ => new ConnectionProtocol.ClientAnswered(new JValue("yes"), null),
            ["client answered error"] = _ => new ConnectionProtocol.ClientAnswered(null, new JsonRpcError(-32601, "Method not found", JToken.Parse("{\"m\":1}"))),
            ["client unavailable"] = _ => new ConnectionProtocol.ClientUnavailable("closed"),
            ["node methods"] = _ => new NodeMethods([
                new RegisteredMethod("a\tb,c\nd:\u00e9", TimeSpan.FromMilliseconds(1500), true, ["p,q:r", "\t"]),
                new RegisteredMethod("ping", null, false, []),
            ]),
            ["node methods none"] = _ => new NodeMethods([]),
        };
    }

    /// <summary>A comparable text of a message: records print their members; JSON and bytes are written out.</summary>
    private static string Describe(object message) => message switch
    {
        TopicProtocol.Deliver d => $"Deliver {d.Topic} {Convert.ToHexString(d.EncodedFrame)}",
        MethodProtocol.Invoke i => $"Invoke {i.CallKey} {i.Id} {i.Method} {Json(i.Params)} {i.Caller.ConnectionId} {i.Caller.Connection?.Path} {i.Timeout} "
            + string.Join(";", i.Caller.User.Principal.Claims.Select(c => c.Type + "=" + c.Value)) + " " + i.Caller.User.Principal.Identity?.AuthenticationType + " " + i.Caller.User.Name + " " + string.Join(",", i.Caller.User.Permissions),
        MethodProtocol.Completed c => $"Completed {c.CallKey} {(c.Reply is null ? "null" : Convert.ToHexString(c.Reply))}",
        ConnectionProtocol.CallClient c => $"CallClient {c.Method} {Json(c.Params)}",
        ConnectionProtocol.ClientAnswered a => $"ClientAnswered {Json(a.Result)} {a.Error?.Code} {a.Error?.Message} {Json(a.Error?.Data)}",
        ConnectionProtocol.ClientUnavailable u => $"ClientUnavailable {u.Reason}",
        NodeMethods n => "NodeMethods " + string.Join(" | ", n.Methods.Select(m => $"[{m.Name}] {m.Timeout?.Ticks} {m.RequiresLogin} [{string.Join("][", m.Permissions)}]")),
        _ => throw new ArgumentException(message.GetType().Name),
    };

    private static string Json(JToken? token)
    {
        if (token is null)
        {
            return "absent";
        }

        var output = new System.Buffers.ArrayBufferWriter<byte>();
        JsonText.Write(output, token);
        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
