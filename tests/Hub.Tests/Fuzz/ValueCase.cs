using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>A generated value, and a seed for the choices of <see cref="NoisyJson"/>.</summary>
internal sealed record ValueCase(JToken Value, int Seed)
{
    public override string ToString() => $"{JsonGen.Write(Value)} (seed {Seed})";
}
