using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>An id and a value to put in a reply.</summary>
internal sealed record ReplyCase(IdCase Id, JToken Value)
{
    public override string ToString() => $"id {Id.Token} (echo {Id.Echo}), value {JsonGen.Write(Value)}";
}
