namespace Hub.Tests.Fuzz;

/// <summary>A member's value as text, its JSON type, and the id text a reply carries when it is the id.</summary>
internal sealed record MemberValue(string Text, ValueClass Class, string IdEcho);
