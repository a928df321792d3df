using System.Globalization;
using System.Text;

namespace Hub.Tests.Fuzz;

/// <summary>One generated frame. Printed with its origin and every byte visible, so a counterexample can be replayed by hand.</summary>
internal sealed record FuzzBytes(string Origin, byte[] Bytes)
{
    public override string ToString() => $"{Origin} ({Bytes.Length} bytes): {Printable(Bytes)}";

    /// <summary>Printable ASCII as itself, every other byte (and the backslash) as <c>\xNN</c>.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7F && b != (byte)'\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append("\\x").Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
