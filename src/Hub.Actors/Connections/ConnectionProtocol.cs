using Newtonsoft.Json.Linq;
using Hub.Protocol;
using Hub.Cluster;

namespace Hub.Connections;

/// <summary>Messages a <see cref="ConnectionActor"/> receives from its transport and from the engine.</summary>
internal static class ConnectionProtocol
{
    /// <summary>One whole text message from the client, UTF-8 as received; the actor returns the credit once it is handled.</summary>
    public sealed record InboundFrame(ReadOnlyMemory<byte> Utf8, InboundCredit? Credit = null);

    /// <summary>The client closed, or the transport ended the connection (it has already closed the socket).</summary>
    public sealed record InboundCompleted(Exception? Cause);

    /// <summary>Server-to-client call (PROTOCOL.md section 7); answered with <see cref="ClientAnswered"/>.</summary>
    public sealed record CallClient(string Method, JToken? Params) : IClusterMessage;

    /// <summary>The client's answer: a result, or an error.</summary>
    public sealed record ClientAnswered(JToken? Result, JsonRpcError? Error) : IClusterMessage;

    /// <summary>The call could not reach the client: the connection is HTTP, closing, or closed.</summary>
    public sealed record ClientUnavailable(string Reason) : IClusterMessage;

    /// <summary>The node is stopping: take no new calls, let in-flight ones finish, then close with 1001.</summary>
    public sealed class Drain
    {
        public static Drain Instance { get; } = new();

        private Drain()
        {
        }
    }

    /// <summary>Close now with 1001 (the shutdown deadline passed).</summary>
    public sealed class GoAway
    {
        public static GoAway Instance { get; } = new();

        private GoAway()
        {
        }
    }
}
