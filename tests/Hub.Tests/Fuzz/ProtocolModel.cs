namespace Hub.Tests.Fuzz;

/// <summary>
/// PROTOCOL.md section 3 written out plainly, as the reference the parser is checked against: what a JSON object is
/// read as, given its members in order (a repeated name keeps its last value).
/// </summary>
internal static class ProtocolModel
{
    public static ExpectedEntry Classify(IReadOnlyList<(string Name, MemberValue Value)> members)
    {
        var last = new Dictionary<string, MemberValue>(StringComparer.Ordinal);
        foreach (var (name, value) in members)
        {
            last[name] = value;
        }

        var hasId = last.TryGetValue("id", out var id);
        var idValid = !hasId || id!.Class is ValueClass.Null or ValueClass.String or ValueClass.VersionString or ValueClass.Number;
        var echo = hasId && idValid ? id!.IdEcho : "null";

        // A reply from the client: result or error, and no method (section 3, server-to-client calls of section 7).
        if (!last.ContainsKey("method") && (last.ContainsKey("result") || last.ContainsKey("error")))
        {
            return new ExpectedEntry(EntryKind.ClientReply, echo);
        }

        if (!last.TryGetValue("jsonrpc", out var version) || version.Class != ValueClass.VersionString)
        {
            return new ExpectedEntry(EntryKind.Invalid, echo);
        }

        if (!last.TryGetValue("method", out var method) || method.Class is not (ValueClass.String or ValueClass.VersionString))
        {
            return new ExpectedEntry(EntryKind.Invalid, echo);
        }

        if (!idValid)
        {
            return new ExpectedEntry(EntryKind.Invalid, "null");
        }

        if (last.TryGetValue("params", out var parameters) && parameters.Class is not (ValueClass.Array or ValueClass.Object))
        {
            return new ExpectedEntry(EntryKind.Invalid, echo);
        }

        return hasId ? new ExpectedEntry(EntryKind.Request, echo) : new ExpectedEntry(EntryKind.Notification, "null");
    }
}
