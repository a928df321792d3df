using Hub.Tests.Support;
using Xunit;

namespace Hub.Tests.Conformance;

/// <summary>Runs each sequence of <c>stateful.json</c> with the step semantics of the conformance README.</summary>
[Collection(ConformanceCollectionDefinition.Name)]
public sealed class ConformanceSequencesTests(HubHostFixture host) : IClassFixture<HubHostFixture>
{
    public static TheoryData<string> SequenceNames => [.. ConformanceVectors.Sequences.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(SequenceNames))]
    public async Task Sequence_on_default_host_gets_expected_frames(string name)
    {
        var sequence = ConformanceVectors.Sequence(name);
        var connections = new Dictionary<string, ConformanceConnection>(StringComparer.Ordinal);
        try
        {
            foreach (var conn in sequence.Connections)
            {
                connections.Add(conn, await ConformanceConnection.OpenAsync(host.WebSocketUri, conn));
            }

            for (var i = 0; i < sequence.Steps.Count; i++)
            {
                await RunStepAsync($"step {i + 1}", sequence.Steps[i], connections);
            }
        }
        finally
        {
            foreach (var connection in connections.Values)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task RunStepAsync(string label, SequenceStep step, Dictionary<string, ConformanceConnection> connections)
    {
        if (step.Send is not null)
        {
            await ConnectionNamed(connections, step.Conn, label).SendAsync(step.Send);
        }

        if (step.Expect.Count == 0)
        {
            await AssertQuietAsync(label, connections.Values);
        }
        else
        {
            await MatchAsync(label, step, connections);
        }
    }

    private static async Task MatchAsync(string label, SequenceStep step, Dictionary<string, ConformanceConnection> connections)
    {
        var expectations = new StepExpectations(step);
        foreach (var conn in expectations.WaitingConnections)
        {
            _ = ConnectionNamed(connections, conn, label);
        }

        var received = new List<string>();
        using var timeout = new CancellationTokenSource(step.Timeout);
        while (true)
        {
            // A connection is read only while it has pending entries: later frames on it, and frames on
            // connections the step does not name, stay queued for a later step.
            foreach (var conn in expectations.WaitingConnections)
            {
                while (expectations.IsWaitingOn(conn) && connections[conn].Poll() is { } frame)
                {
                    received.Add($"  {conn}: {frame}");
                    if (expectations.Offer(conn, frame) == FrameOutcome.Unexpected)
                    {
                        Assert.Fail($"{label}: on '{conn}', a frame matching no pending entry:{Environment.NewLine}  {frame}{Environment.NewLine}Pending:{Environment.NewLine}{expectations.DescribePending()}");
                    }
                }
            }

            if (expectations.IsSatisfied)
            {
                return;
            }

            if (!await ConformanceConnection.WaitAnyAsync(expectations.WaitingConnections.Select(c => connections[c]), timeout.Token))
            {
                Assert.Fail($"{label}: not matched within {step.Timeout.TotalMilliseconds} ms. Pending:{Environment.NewLine}{expectations.DescribePending()}{Environment.NewLine}Received:{Environment.NewLine}{string.Join(Environment.NewLine, received)}");
            }
        }
    }

    // Frames left over from earlier steps fail the check as much as new ones.
    private static async Task AssertQuietAsync(string label, IReadOnlyCollection<ConformanceConnection> connections)
    {
        AssertNothingQueued(label, connections);
        using var quiet = new CancellationTokenSource(Waits.Quiet);
        if (await ConformanceConnection.WaitAnyAsync(connections, quiet.Token))
        {
            AssertNothingQueued(label, connections);
        }
    }

    private static void AssertNothingQueued(string label, IEnumerable<ConformanceConnection> connections)
    {
        foreach (var connection in connections)
        {
            if (connection.Poll() is { } frame)
            {
                Assert.Fail($"{label}: expected nothing on any connection, got on '{connection.Name}': {frame}");
            }
        }
    }

    private static ConformanceConnection ConnectionNamed(Dictionary<string, ConformanceConnection> connections, string? conn, string label) =>
        conn is not null && connections.TryGetValue(conn, out var connection)
            ? connection
            : throw new InvalidDataException($"{label} names connection '{conn}', which the sequence does not declare.");
}
