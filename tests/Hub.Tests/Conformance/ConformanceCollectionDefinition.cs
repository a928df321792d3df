using Xunit;

namespace Hub.Tests.Conformance;

/// <summary>
/// Runs the conformance cases and sequences one after another: the sequences share the host's topic
/// state (retained values of <c>demo</c> and <c>bench</c>), and cases publish to those topics too.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConformanceCollectionDefinition
{
    public const string Name = "Conformance";
}
