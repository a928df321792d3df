using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>
/// An integer token too large for a <c>long</c>, kept as the digits the client sent. Converting tens of thousands of
/// digits to a <c>BigInteger</c> and back costs quadratic time, which one hostile message could use to stall a node;
/// kept as text it is written back exactly (PROTOCOL.md section 2) in linear time.
/// </summary>
internal sealed class IntegerText(string digits) : JRaw(digits)
{
    public string Digits { get; } = digits;
}
