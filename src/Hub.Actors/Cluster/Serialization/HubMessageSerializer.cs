using System.Security.Claims;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Hub.Auth;
using Hub.Cluster;
using Hub.Connections;
using Hub.Methods;
using Hub.Protocol;
using Hub.Topics;
using Newtonsoft.Json.Linq;

namespace Hub.Cluster.Serialization;

/// <summary>
/// Hub's own wire format for messages between nodes: compact binary with a one-letter manifest per type. JSON
/// payloads travel as the exact bytes the codec writes, so a notification encoded once at the publisher is the
/// same bytes at every subscriber, and no message falls back to Akka's default JSON serializer.
/// </summary>
internal sealed class HubMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string DeliverManifest = "D";
    private const string InvokeManifest = "I";
    private const string CompletedManifest = "C";
    private const string CallClientManifest = "CC";
    private const string ClientAnsweredManifest = "CA";
    private const string ClientUnavailableManifest = "CU";
    private const string NodeMethodsManifest = "NM";

    /// <summary>Hub's serializer id (Akka reserves 0 to 40 for its own).</summary>
    public override int Identifier => 7317;

    public override string Manifest(object o) => o switch
    {
        TopicProtocol.Deliver => DeliverManifest,
        MethodProtocol.Invoke => InvokeManifest,
        MethodProtocol.Completed => CompletedManifest,
        ConnectionProtocol.CallClient => CallClientManifest,
        ConnectionProtocol.ClientAnswered => ClientAnsweredManifest,
        ConnectionProtocol.ClientUnavailable => ClientUnavailableManifest,
        NodeMethods => NodeMethodsManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a Hub cluster message.", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case TopicProtocol.Deliver deliver:
                    writer.Write(deliver.Topic);
                    WriteBytes(writer, deliver.EncodedFrame);
                    writer.Write(deliver.Origin);
                    writer.Write(deliver.Stamp);
                    break;
                case MethodProtocol.Invoke invoke:
                    writer.Write(invoke.CallKey);
                    WriteId(writer, invoke.Id);
                    writer.Write(invoke.Method);
                    WriteJson(writer, invoke.Params);
                    writer.Write(invoke.Caller.ConnectionId);
                    WriteUser(writer, invoke.Caller.User.IsAuthenticated ? invoke.Caller.User.Principal : null);
                    writer.Write(invoke.Caller.Connection is null ? string.Empty : Akka.Serialization.Serialization.SerializedActorPath(invoke.Caller.Connection));
                    writer.Write(invoke.Timeout.Ticks);
                    break;
                case MethodProtocol.Completed completed:
                    writer.Write(completed.CallKey);
                    WriteBytes(writer, completed.Reply);
                    break;
                case ConnectionProtocol.CallClient call:
                    writer.Write(call.Method);
                    WriteJson(writer, call.Params);
                    break;
                case ConnectionProtocol.ClientAnswered answered:
                    WriteJson(writer, answered.Result);
                    writer.Write(answered.Error is not null);
                    if (answered.Error is { } error)
                    {
                        writer.Write(error.Code);
                        writer.Write(error.Message);
                        WriteJson(writer, error.Data);
                    }

                    break;
                case ConnectionProtocol.ClientUnavailable unavailable:
                    writer.Write(unavailable.Reason);
                    break;
                case NodeMethods node:
                    WriteNodeMethods(writer, node);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not a Hub cluster message.", nameof(obj));
            }
        }

        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        return manifest switch
        {
            DeliverManifest => new TopicProtocol.Deliver(reader.ReadString(), ReadBytes(reader)!, reader.ReadInt32(), reader.ReadInt64()),
            InvokeManifest => ReadInvoke(reader),
            CompletedManifest => new MethodProtocol.Completed(reader.ReadInt64(), ReadBytes(reader)),
            CallClientManifest => new ConnectionProtocol.CallClient(reader.ReadString(), ReadJson(reader)),
            ClientAnsweredManifest => ReadClientAnswered(reader),
            ClientUnavailableManifest => new ConnectionProtocol.ClientUnavailable(reader.ReadString()),
            NodeMethodsManifest => ReadNodeMethods(reader),
            _ => throw new SerializationException($"Unknown Hub manifest '{manifest}'."),
        };
    }

    private MethodProtocol.Invoke ReadInvoke(BinaryReader reader)
    {
        var callKey = reader.ReadInt64();
        var id = ReadId(reader);
        var method = reader.ReadString();
        var parameters = ReadJson(reader);
        var connectionId = reader.ReadString();
        var user = ReadUser(reader);
        var path = reader.ReadString();
        var connection = path.Length == 0 ? null : system.Provider.ResolveActorRef(path);
        var timeout = TimeSpan.FromTicks(reader.ReadInt64());
        return new MethodProtocol.Invoke(callKey, id, method, parameters, new MethodProtocol.Caller(connectionId, user is null ? HubUser.Anonymous : new HubUser(user), connection), timeout);
    }

    private static ConnectionProtocol.ClientAnswered ReadClientAnswered(BinaryReader reader)
    {
        var result = ReadJson(reader);
        if (!reader.ReadBoolean())
        {
            return new ConnectionProtocol.ClientAnswered(result, null);
        }

        var code = reader.ReadInt32();
        var message = reader.ReadString();
        return new ConnectionProtocol.ClientAnswered(result, new JsonRpcError(code, message, ReadJson(reader)));
    }

    private static void WriteNodeMethods(BinaryWriter writer, NodeMethods node)
    {
        writer.Write(node.Methods.Count);
        foreach (var method in node.Methods)
        {
            writer.Write(method.Name);
            writer.Write(method.Timeout?.Ticks ?? -1);
            writer.Write(method.RequiresLogin);
            writer.Write(method.Permissions.Count);
            foreach (var permission in method.Permissions)
            {
                writer.Write(permission);
            }

            writer.Write(method.HasTests);
            writer.Write(method.Sequential);
        }
    }

    private static NodeMethods ReadNodeMethods(BinaryReader reader)
    {
        var methods = new RegisteredMethod[reader.ReadInt32()];
        for (var i = 0; i < methods.Length; i++)
        {
            var name = reader.ReadString();
            var ticks = reader.ReadInt64();
            var requiresLogin = reader.ReadBoolean();
            var permissions = new string[reader.ReadInt32()];
            for (var j = 0; j < permissions.Length; j++)
            {
                permissions[j] = reader.ReadString();
            }

            methods[i] = new RegisteredMethod(name, ticks < 0 ? null : TimeSpan.FromTicks(ticks), requiresLogin, permissions, reader.ReadBoolean(), reader.ReadBoolean());
        }

        return new NodeMethods(methods);
    }

    private static void WriteBytes(BinaryWriter writer, byte[]? bytes)
    {
        writer.Write(bytes?.Length ?? -1);
        if (bytes is not null)
        {
            writer.Write(bytes);
        }
    }

    private static byte[]? ReadBytes(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        return length < 0 ? null : reader.ReadBytes(length);
    }

    /// <summary>JSON as the codec writes it (exact numbers, minimal escaping), read back by the strict reader.</summary>
    private static void WriteJson(BinaryWriter writer, JToken? token)
    {
        if (token is null)
        {
            WriteBytes(writer, null);
            return;
        }

        var output = new System.Buffers.ArrayBufferWriter<byte>();
        JsonText.Write(output, token);
        WriteBytes(writer, output.WrittenSpan.ToArray());
    }

    private static JToken? ReadJson(BinaryReader reader)
    {
        var bytes = ReadBytes(reader);
        if (bytes is null)
        {
            return null;
        }

        return JsonText.TryParse(bytes, int.MaxValue, out var error) ?? throw new SerializationException("Bad JSON in a Hub message: " + error);
    }

    private static void WriteId(BinaryWriter writer, RequestId? id)
    {
        writer.Write((sbyte)(id is { } value ? (int)value.Kind : -1));
        if (id is { Text: { } text })
        {
            writer.Write(text);
        }
    }

    private static RequestId? ReadId(BinaryReader reader)
    {
        var kind = reader.ReadSByte();
        return kind switch
        {
            -1 => null,
            (sbyte)RequestIdKind.Null => RequestId.Null,
            _ => new RequestId((RequestIdKind)kind, reader.ReadString()),
        };
    }

    /// <summary>The user crosses as its claims, so the serving node can check its rules itself.</summary>
    private static void WriteUser(BinaryWriter writer, ClaimsPrincipal? user)
    {
        var identity = user?.Identity as ClaimsIdentity;
        writer.Write(identity is not null);
        if (identity is null)
        {
            return;
        }

        writer.Write(identity.AuthenticationType ?? string.Empty);
        writer.Write(identity.NameClaimType);
        writer.Write(identity.RoleClaimType);
        var claims = identity.Claims.ToList();
        writer.Write(claims.Count);
        foreach (var claim in claims)
        {
            writer.Write(claim.Type);
            writer.Write(claim.Value);
            writer.Write(claim.ValueType);
            writer.Write(claim.Issuer);
        }
    }

    private static ClaimsPrincipal? ReadUser(BinaryReader reader)
    {
        if (!reader.ReadBoolean())
        {
            return null;
        }

        var authenticationType = reader.ReadString();
        var nameType = reader.ReadString();
        var roleType = reader.ReadString();
        var count = reader.ReadInt32();
        var claims = new List<Claim>(count);
        for (var i = 0; i < count; i++)
        {
            claims.Add(new Claim(reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType.Length == 0 ? null : authenticationType, nameType, roleType));
    }
}
