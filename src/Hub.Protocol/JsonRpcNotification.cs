using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>A call without an id: executed, never answered.</summary>
internal sealed record JsonRpcNotification(string Method, JToken? Params) : JsonRpcMessage;
