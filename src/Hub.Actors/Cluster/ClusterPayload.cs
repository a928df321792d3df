using System.Security.Claims;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Akka.Remote;
using Hub.Auth;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Cluster;

/// <summary>
/// The one rule for what may cross between nodes: a Hub message, serialized, must fit Akka.Remote's frame
/// (<c>akka.remote.dot-netty.tcp.maximum-frame-size</c>, which the host derives from <c>Hub:MaxMessageBytes</c>) less
/// <see cref="EnvelopeReserveBytes"/> for Akka's envelope around it. Akka.Remote drops a larger message with only a
/// log line, so each site that sends one to another node asks here first, and a message that cannot cross is refused
/// to its sender at once, with one warning: a notification or retained value (<see cref="CheckNotification"/>), a
/// routed call (<see cref="RefuseCall"/>), its reply (<see cref="Reply"/>), a server-to-client call
/// (<see cref="CheckCallClient"/>) and the client's answer (<see cref="FitsClientAnswer"/>). One per actor system.
/// </summary>
internal sealed class ClusterPayload : IExtension
{
    /// <summary>Room left in a frame for Akka.Remote's envelope (recipient and sender paths, manifest, sequence numbers).</summary>
    public const long EnvelopeReserveBytes = 16 * 1024;

    /// <summary>
    /// How much a client's JSON may grow when the hub writes it again (the params of a routed call, published data):
    /// at most 4.4 times, for an array of numbers such as <c>1e20</c>, which the protocol's number form writes as 21
    /// digits (PROTOCOL.md section 2); escapes grow less (U+2028, 3 bytes, becomes <c>\u2028</c>, 6).
    /// </summary>
    public const int ReencodingGrowth = 5;

    /// <summary>Akka.Remote's own default frame limit, when nothing sets one.</summary>
    private const long AkkaDefaultFrameBytes = 128_000;

    // What a Hub message carries besides its JSON and strings: call key, timeout, kinds, length prefixes, the
    // caller's actor path (an address and a short path).
    private const long FixedBytes = 1024;

    private readonly ILoggingAdapter _log;

    public ClusterPayload(long limit, ILoggingAdapter log)
    {
        Limit = limit;
        _log = log;
    }

    /// <summary>The most bytes a serialized Hub message may take between nodes; <see cref="long.MaxValue"/> without remoting.</summary>
    public long Limit { get; }

    /// <summary>The rule of <paramref name="system"/>, read once from its configuration.</summary>
    public static ClusterPayload For(ActorSystem system) => system.WithExtension<ClusterPayload, ClusterPayloadExtension>();

    /// <summary>Reads the frame limit of <paramref name="system"/>'s remoting; none without remoting.</summary>
    public static ClusterPayload Create(ExtendedActorSystem system)
    {
        var limit = system.Provider is IRemoteActorRefProvider
            ? (system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", null) ?? AkkaDefaultFrameBytes) - EnvelopeReserveBytes
            : long.MaxValue;
        return new ClusterPayload(limit, Logging.GetLogger(system, typeof(ClusterPayload)));
    }

    /// <summary>True for an actor of another node: what is told to it crosses the cluster.</summary>
    public static bool IsRemote(IActorRef actor) => actor.Path.Address.HasGlobalScope;

    /// <summary>
    /// Checks a notification (and the retained value it may become) before it is published: it goes to every node.
    /// </summary>
    /// <exception cref="HubPayloadTooLargeException">It cannot cross; a warning is logged.</exception>
    public void CheckNotification(string topic, byte[] frame)
    {
        var size = SizeOfNotification(topic, frame);
        if (size > Limit)
        {
            _log.Warning("Notification to {Topic} refused: {Size} B, over the {Limit} B a message may carry between nodes", topic, size, Limit);
            throw new HubPayloadTooLargeException("'data'", size, Limit);
        }
    }

    /// <summary>
    /// The <c>-32602</c> to answer a call to <paramref name="method"/> on another node that cannot get there, or null
    /// when it can. Its id, method and params came in a frame of <paramref name="frameBytes"/>, and written again grow at
    /// most <see cref="ReencodingGrowth"/> times: a call from a frame small enough for that is not measured (measuring
    /// encodes the params once more).
    /// </summary>
    public JsonRpcError? RefuseCall(RequestId? id, string method, JToken? parameters, string connectionId, HubUser user, long frameBytes)
    {
        if (FixedBytes + (frameBytes * ReencodingGrowth) + Utf8(connectionId) + User(user) <= Limit)
        {
            return null;
        }

        var size = SizeOfRoutedCall(id, method, parameters, connectionId, user);
        if (size <= Limit)
        {
            return null;
        }

        _log.Warning("Call to {Method} from {ConnectionId} refused: {Size} B, over the {Limit} B a message may carry to the node serving it", method, connectionId, size, Limit);
        return JsonRpcError.InvalidParams($"params too large to reach the node serving '{method}': {size} B, over the limit of {Limit} B");
    }

    /// <summary>
    /// The reply to the call <paramref name="id"/> to tell <paramref name="replyTo"/>: <paramref name="reply"/>, or
    /// <c>-32603</c> in its place when the caller is on another node and the reply cannot get there.
    /// </summary>
    public byte[]? Reply(IActorRef replyTo, RequestId? id, string method, string connectionId, byte[]? reply)
    {
        if (reply is not null && id is { } requestId && IsRemote(replyTo))
        {
            var size = SizeOfReply(reply);
            if (size > Limit)
            {
                _log.Warning("Reply of {Method} to {ConnectionId} on another node refused: {Size} B, over the {Limit} B a message may carry between nodes; answered -32603", method, connectionId, size, Limit);
                return JsonRpcEncoder.Failure(requestId, JsonRpcError.InternalError);
            }
        }

        return reply;
    }

    /// <summary>Checks a server-to-client call to a connection of another node.</summary>
    /// <exception cref="HubPayloadTooLargeException">It cannot cross; a warning is logged.</exception>
    public void CheckCallClient(IActorRef connection, string connectionId, string method, JToken? parameters)
    {
        if (!IsRemote(connection))
        {
            return;
        }

        var size = SizeOfCallClient(method, parameters);
        if (size > Limit)
        {
            _log.Warning("Call of {Method} on client {ConnectionId} of another node refused: {Size} B, over the {Limit} B a message may carry between nodes", method, connectionId, size, Limit);
            throw new HubPayloadTooLargeException("'parameters'", size, Limit);
        }
    }

    /// <summary>True when a client's answer to a server-to-client call can reach <paramref name="asker"/>; logs a warning when not.</summary>
    public bool FitsClientAnswer(IActorRef asker, string connectionId, JToken? result, JsonRpcError? error)
    {
        if (!IsRemote(asker))
        {
            return true;
        }

        var size = SizeOfClientAnswer(result, error);
        if (size <= Limit)
        {
            return true;
        }

        _log.Warning("Answer of client {ConnectionId} to a server call from another node refused: {Size} B, over the {Limit} B a message may carry between nodes", connectionId, size, Limit);
        return false;
    }

    /// <summary>
    /// What <see cref="Serialization.HubMessageSerializer"/> writes for a notification's delivery (exactly, give or take a length
    /// prefix): topic, frame length, frame, origin (4 B) and stamp (8 B).
    /// </summary>
    public static long SizeOfNotification(string topic, byte[] frame) => Utf8(topic) + 4 + frame.Length + 12;

    /// <summary>At least what the serializer writes for a call (an Invoke), at most <c>1 KiB</c> more.</summary>
    public static long SizeOfRoutedCall(RequestId? id, string method, JToken? parameters, string connectionId, HubUser user) =>
        FixedBytes + Utf8(id?.Text) + Utf8(method) + Json(parameters) + Utf8(connectionId) + User(user);

    /// <summary>At least what the serializer writes for a call's reply (a Completed).</summary>
    public static long SizeOfReply(byte[] reply) => FixedBytes + reply.Length;

    /// <summary>At least what the serializer writes for a server-to-client call, at most <c>1 KiB</c> more.</summary>
    public static long SizeOfCallClient(string method, JToken? parameters) => FixedBytes + Utf8(method) + Json(parameters);

    /// <summary>At least what the serializer writes for a client's answer, at most <c>1 KiB</c> more.</summary>
    public static long SizeOfClientAnswer(JToken? result, JsonRpcError? error) =>
        FixedBytes + Json(result) + (error is null ? 0 : Utf8(error.Message) + Json(error.Data));

    /// <summary>A string as the serializer writes it: a length prefix (at most 5 bytes) and its UTF-8.</summary>
    private static long Utf8(string? text) => 5 + (text is null ? 0 : Encoding.UTF8.GetByteCount(text));

    /// <summary>JSON as the serializer writes it: a length and the codec's output.</summary>
    private static long Json(JToken? token)
    {
        if (token is null)
        {
            return 4;
        }

        using var counter = new ByteCounter();
        try
        {
            JsonText.Write(counter, token);
        }
        catch (JsonWriteException)
        {
            // Not JSON at all: the send fails where it is encoded, as it does on one node.
            return 4;
        }

        return 4 + counter.Count;
    }

    /// <summary>The caller's claims, as the serializer writes them.</summary>
    private static long User(HubUser user)
    {
        if (!user.IsAuthenticated || user.Principal.Identity is not ClaimsIdentity identity)
        {
            return 1;
        }

        var size = 1 + Utf8(identity.AuthenticationType) + Utf8(identity.NameClaimType) + Utf8(identity.RoleClaimType) + 4;
        foreach (var claim in identity.Claims)
        {
            size += Utf8(claim.Type) + Utf8(claim.Value) + Utf8(claim.ValueType) + Utf8(claim.Issuer);
        }

        return size;
    }
}
