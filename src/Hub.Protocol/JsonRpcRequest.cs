using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>A call that wants a reply. <see cref="Params"/> is an array, an object, or null when absent.</summary>
internal sealed record JsonRpcRequest(RequestId Id, string Method, JToken? Params) : JsonRpcMessage;
