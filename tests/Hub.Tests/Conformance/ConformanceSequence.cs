namespace Hub.Tests.Conformance;

/// <summary>One entry of <c>stateful.json</c>: named connections and the steps run on them.</summary>
internal sealed record ConformanceSequence(string Name, IReadOnlyList<string> Connections, IReadOnlyList<SequenceStep> Steps);
