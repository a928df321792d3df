using Hub.Tests.Support;
using Xunit;

namespace Hub.Tests.Conformance;

/// <summary>Runs each case of <c>cases.json</c> as the conformance README's "Running a case" says.</summary>
[Collection(ConformanceCollectionDefinition.Name)]
public sealed class ConformanceCasesTests(HubHostFixture host) : IClassFixture<HubHostFixture>
{
    private const string SentinelRequest = """{"jsonrpc":"2.0","method":"ping","id":"conformance-sentinel"}""";
    private const string SentinelReply = """{"jsonrpc":"2.0","result":"pong","id":"conformance-sentinel"}""";

    // The README's cap on waiting for one reply.
    private static readonly TimeSpan _replyTimeout = TimeSpan.FromSeconds(5);

    // Names, not cases: xunit serializes a string, so each case is discovered and reported on its own.
    public static TheoryData<string> CaseNames => [.. ConformanceVectors.Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Case_on_new_connection_gets_exact_reply_then_answers_sentinel(string name)
    {
        var vector = ConformanceVectors.Case(name);
        await using var connection = await ConformanceConnection.OpenAsync(host.WebSocketUri, "case");

        await connection.SendAsync(vector.Send);

        if (vector.Expect is null)
        {
            await AssertNoReplyAsync(connection);
        }
        else
        {
            var reply = await ReceiveReplyAsync(connection);
            var compared = vector.IgnoreData ? FrameMatching.RemoveIgnoredData(reply) : reply;
            if (vector.ExpectUnorderedBatch)
            {
                Assert.True(
                    FrameMatching.IsSameBatchInAnyOrder(vector.Expect, compared),
                    $"Expected, in any order of the batch entries:{Environment.NewLine}{vector.Expect}{Environment.NewLine}Actual:{Environment.NewLine}{reply}");
            }
            else
            {
                Assert.Equal(vector.Expect, compared);
            }
        }

        connection.ThrowIfNotOpen();
        await connection.SendAsync(SentinelRequest);
        Assert.Equal(SentinelReply, await ReceiveReplyAsync(connection));
    }

    // The first frame that is not a topic notification, which is never a reply.
    private static async Task<string> ReceiveReplyAsync(ConformanceConnection connection)
    {
        using var timeout = new CancellationTokenSource(_replyTimeout);
        while (true)
        {
            var frame = await connection.ReceiveAsync(timeout.Token);
            if (frame is null)
            {
                Assert.Fail($"No reply within {_replyTimeout.TotalSeconds} s.");
            }

            if (!FrameMatching.IsTopicNotification(frame))
            {
                return frame;
            }
        }
    }

    private static async Task AssertNoReplyAsync(ConformanceConnection connection)
    {
        using var quiet = new CancellationTokenSource(Waits.Quiet);
        while (await connection.ReceiveAsync(quiet.Token) is { } frame)
        {
            Assert.True(FrameMatching.IsTopicNotification(frame), $"Expected no reply within {Waits.Quiet.TotalMilliseconds} ms, got: {frame}");
        }
    }
}
