using Xunit;
using Hub.Tests.Support;

namespace Hub.Tests.Conformance;

/// <summary>The vector files the runner reads: that they load, and that they are the shared copies where those exist.</summary>
public sealed class ConformanceVectorsTests
{
    [Fact]
    public void Cases_file_loads_with_unique_names()
    {
        var cases = ConformanceVectors.Cases;

        Assert.NotEmpty(cases);
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Stateful_file_loads_with_unique_names_and_declared_connections()
    {
        var sequences = ConformanceVectors.Sequences;

        Assert.NotEmpty(sequences);
        Assert.Equal(sequences.Count, sequences.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(sequences, sequence => Assert.All(sequence.Steps, step =>
        {
            Assert.All(step.Expect, entry => Assert.Contains(entry.Conn, sequence.Connections));
            if (step.Send is not null)
            {
                Assert.Contains(step.Conn, sequence.Connections);
            }
        }));
    }

    // A clone of the repository alone has no ../shared/conformance: then there is nothing to compare, and the test passes.
    [Theory]
    [InlineData(ConformanceVectors.CasesFile)]
    [InlineData(ConformanceVectors.SequencesFile)]
    public void Vector_file_equals_shared_copy_byte_for_byte_or_passes_without_shared_folder(string file)
    {
        var repositoryRoot = RepositoryRoot.Path;
        var sharedFolder = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "conformance"));
        if (!Directory.Exists(sharedFolder))
        {
            return;
        }

        var shared = Path.Combine(sharedFolder, file);
        var local = Path.Combine(repositoryRoot, "tests", "Hub.Tests", "Conformance", file);

        var sharedBytes = File.ReadAllBytes(shared);
        var localBytes = File.ReadAllBytes(local);

        Assert.True(
            sharedBytes.AsSpan().SequenceEqual(localBytes),
            $"{local} ({localBytes.Length} B) differs from {shared} ({sharedBytes.Length} B) at byte {sharedBytes.AsSpan().CommonPrefixLength(localBytes)}: copy the shared file over it.");
    }
}
