namespace Hub.Tests.Conformance;

/// <summary>One entry of <c>cases.json</c>: a frame and the one reply it must get (<see cref="Expect"/> null: none).</summary>
internal sealed record ConformanceCase(string Name, string Send, string? Expect, bool IgnoreData, bool ExpectUnorderedBatch);
