using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>
/// A reply sent by the client, the answer to a server-to-client call (PROTOCOL.md section 7).
/// Exactly one of <see cref="Result"/> and <see cref="Error"/> is set.
/// </summary>
internal sealed record JsonRpcClientReply(RequestId Id, JToken? Result, JsonRpcError? Error) : JsonRpcMessage;
