using System.Text;

namespace Hub.Tests.Fuzz;

/// <summary>One entry of <c>corpus.json</c>: the bytes of one frame, what the parser must read them as, and the reply's id text where given.</summary>
internal sealed record CorpusEntry(string Name, byte[] Send, string Expect, string? Id)
{
    public override string ToString()
    {
        var shown = Send.Length <= 200 ? FuzzBytes.Printable(Send) : FuzzBytes.Printable(Send.AsSpan(0, 200)) + "...";
        return $"{Name}: {shown} ({Send.Length} bytes), expect {Expect}{(Id is null ? string.Empty : " id " + Id)}";
    }

    public string SendText => Encoding.UTF8.GetString(Send);
}
