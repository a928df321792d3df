using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>A reply carrying a result (a JSON null result is a <see cref="JValue"/> of type Null).</summary>
internal sealed record JsonRpcSuccess(RequestId Id, JToken Result) : JsonRpcMessage;
