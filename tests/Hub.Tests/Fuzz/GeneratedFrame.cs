using System.Text;

namespace Hub.Tests.Fuzz;

/// <summary>A valid frame: one message, or a batch of them in order.</summary>
internal sealed record GeneratedFrame(string Text, IReadOnlyList<GeneratedMessage> Messages, bool IsBatch)
{
    public byte[] Bytes => Encoding.UTF8.GetBytes(Text);

    public override string ToString() => FuzzBytes.Printable(Bytes);
}
