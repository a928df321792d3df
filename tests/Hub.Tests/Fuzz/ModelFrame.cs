using System.Text;

namespace Hub.Tests.Fuzz;

/// <summary>A frame of request-like objects with the outcome <see cref="ProtocolModel"/> gives each.</summary>
internal sealed record ModelFrame(string Text, IReadOnlyList<ExpectedEntry> Entries, bool IsBatch)
{
    public byte[] Bytes => Encoding.UTF8.GetBytes(Text);

    public override string ToString() =>
        $"{FuzzBytes.Printable(Bytes)} expecting {string.Join(", ", Entries.Select(e => $"{e.Kind} id {e.IdEcho}"))}";
}
