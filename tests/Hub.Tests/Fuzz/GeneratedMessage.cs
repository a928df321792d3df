using System.Text;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>A valid request or notification as text, with what it holds; <see cref="IdEcho"/> is null for a notification.</summary>
internal sealed record GeneratedMessage(string Text, string? IdEcho, string Method, JToken? Params)
{
    public bool IsNotification => IdEcho is null;

    public byte[] Bytes => Encoding.UTF8.GetBytes(Text);

    public override string ToString() => FuzzBytes.Printable(Bytes);
}
