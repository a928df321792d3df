namespace Hub.Tests.Fuzz;

/// <summary>What one message must be read as, and the id text its reply (if any) carries.</summary>
internal sealed record ExpectedEntry(EntryKind Kind, string IdEcho);
