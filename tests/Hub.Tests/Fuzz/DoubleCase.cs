using System.Globalization;

namespace Hub.Tests.Fuzz;

/// <summary>A generated double, printed with its bits so that a counterexample is exact.</summary>
internal sealed record DoubleCase(double Value)
{
    public override string ToString() =>
        $"{Value.ToString("R", CultureInfo.InvariantCulture)} (bits 0x{BitConverter.DoubleToInt64Bits(Value).ToString("X16", CultureInfo.InvariantCulture)})";
}
