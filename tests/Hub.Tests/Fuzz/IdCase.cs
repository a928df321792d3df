namespace Hub.Tests.Fuzz;

/// <summary>An id as the request writes it, and the exact text the reply must carry (PROTOCOL.md section 2).</summary>
internal sealed record IdCase(string Token, string Echo);
