using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>A depth limit and values nested to one less than it, to it, and one more.</summary>
internal sealed record NestingCase(int Limit, JToken InnerAtLimit, JToken AtLimit, JToken OverLimit)
{
    public override string ToString() =>
        $"limit {Limit}: {JsonGen.Write(InnerAtLimit)} | {JsonGen.Write(AtLimit)} | {JsonGen.Write(OverLimit)}";
}
