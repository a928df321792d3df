using Xunit;

namespace Hub.Tests.Conformance;

/// <summary>The runner's own comparisons, checked without a host.</summary>
public sealed class ConformanceMatchingTests
{
    private const string InvalidParams = """{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params"},"id":20}""";

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"missing parameter 'b'"},"id":20}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"a":[1,{"b":null}],"c":"}"}},"id":20}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":[1.0,"x"]},"id":20}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":-1.5e+300},"id":20}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":null},"id":20}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"\"quoted\" \u2028"},"id":20}""")]
    [InlineData(InvalidParams)]
    public void Remove_ignored_data_trailing_data_member_is_cut_exactly(string reply)
    {
        var stripped = FrameMatching.RemoveIgnoredData(reply);

        Assert.Equal(InvalidParams, stripped);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"x"},"id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error","data":{}},"id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32050,"message":"Computer says no.","data":null},"id":1}""")]
    public void Remove_ignored_data_codes_that_never_carry_data_keep_it(string reply)
    {
        var stripped = FrameMatching.RemoveIgnoredData(reply);

        Assert.Equal(reply, stripped);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32602,"data":"x","message":"Invalid params"},"id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","result":{"error":{"code":-32602,"message":"m","data":"x"}},"id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","result":[1.0,1e2,-0,123456789012345678901234567890],"id":1.50}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"x"},"id":1""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"x"},"id":1} trailing""")]
    [InlineData("not json")]
    [InlineData("")]
    public void Remove_ignored_data_without_trailing_data_in_a_reply_error_changes_nothing(string reply)
    {
        var stripped = FrameMatching.RemoveIgnoredData(reply);

        Assert.Equal(reply, stripped);
    }

    [Fact]
    public void Remove_ignored_data_batch_cuts_data_from_each_entry_that_may_carry_it()
    {
        var reply = """[{"jsonrpc":"2.0","result":7,"id":"1"},{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"not an object"},"id":null},{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"x"},"id":"5"},{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error","data":["é",1.0]},"id":null}]""";

        var stripped = FrameMatching.RemoveIgnoredData(reply);

        Assert.Equal(
            """[{"jsonrpc":"2.0","result":7,"id":"1"},{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null},{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"x"},"id":"5"},{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}]""",
            stripped);
    }

    [Fact]
    public void Remove_ignored_data_keeps_non_ascii_and_line_separators_elsewhere()
    {
        var reply = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"h\u00e9llo \u65e5\u672c \U0001F600 \u007f\",\"data\":\"x\"},\"id\":\"\\u2028\"}";

        var stripped = FrameMatching.RemoveIgnoredData(reply);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"h\u00e9llo \u65e5\u672c \U0001F600 \u007f\"},\"id\":\"\\u2028\"}", stripped);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"demo","params":{"n":1}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"demo"}""")]
    [InlineData("""{"method":"clock","params":{"id":1}}""")]
    public void Is_topic_notification_object_with_method_and_no_id_is_true(string frame)
    {
        Assert.True(FrameMatching.IsTopicNotification(frame));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"confirm","params":{},"id":"s:1"}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"confirm","id":null}""")]
    [InlineData("""{"jsonrpc":"2.0","result":"pong","id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}""")]
    [InlineData("""[{"jsonrpc":"2.0","method":"demo"}]""")]
    [InlineData("""{"jsonrpc":"2.0","method":"demo""")]
    [InlineData("\"method\"")]
    [InlineData("")]
    public void Is_topic_notification_anything_else_is_false(string frame)
    {
        Assert.False(FrameMatching.IsTopicNotification(frame));
    }

    [Theory]
    [InlineData("a|b", "a", true)]
    [InlineData("a|b", "ab", false)]
    [InlineData("b", "abc", false)]
    [InlineData(@"\d{3}", "123", true)]
    [InlineData(@"\d{3}", "123\n", false)]
    [InlineData(@"\{""time"":""\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z""\}", """{"time":"2026-11-24T14:57:38.123Z"}""", true)]
    [InlineData(@"\{""time"":""\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z""\}", """{"time":"2026-11-24T14:57:38Z"}""", false)]
    public void Is_full_match_requires_the_whole_frame(string pattern, string frame, bool expected)
    {
        Assert.Equal(expected, FrameMatching.IsFullMatch(pattern, frame));
    }

    [Theory]
    [InlineData("""[{"id":1},{"id":2}]""", """[{"id":2},{"id":1}]""", true)]
    [InlineData("""[{"id":1},{"id":2}]""", """[{"id":1},{"id":2}]""", true)]
    [InlineData("""[{"id":1},{"id":2}]""", """[{"id":2}, {"id":1}]""", false)]
    [InlineData("""[{"id":1},{"id":1}]""", """[{"id":1},{"id":2}]""", false)]
    [InlineData("""[{"id":1}]""", """[{"id":1},{"id":1}]""", false)]
    [InlineData("""{"id":1}""", """{"id":1}""", true)]
    public void Is_same_batch_in_any_order_compares_entries_exactly(string expected, string actual, bool same)
    {
        Assert.Equal(same, FrameMatching.IsSameBatchInAnyOrder(expected, actual));
    }

    [Fact]
    public void Step_in_order_fails_on_a_frame_that_only_matches_a_later_entry()
    {
        var expectations = new StepExpectations(Step(anyOrder: false, skipNotifications: false, Entry("a", "first"), Entry("a", "second")));

        var outcome = expectations.Offer("a", "second");

        Assert.Equal(FrameOutcome.Unexpected, outcome);
    }

    [Fact]
    public void Step_in_any_order_matches_entries_as_they_come()
    {
        var expectations = new StepExpectations(Step(anyOrder: true, skipNotifications: false, Entry("a", "first"), Entry("a", "second"), Entry("b", "third")));

        Assert.Equal(FrameOutcome.Matched, expectations.Offer("a", "second"));
        Assert.Equal(FrameOutcome.Matched, expectations.Offer("a", "first"));
        Assert.False(expectations.IsWaitingOn("a"));
        Assert.Equal(["b"], expectations.WaitingConnections);
        Assert.Equal(FrameOutcome.Matched, expectations.Offer("b", "third"));
        Assert.True(expectations.IsSatisfied);
    }

    [Fact]
    public void Step_skipping_notifications_drops_an_unmatched_notification()
    {
        var expectations = new StepExpectations(Step(anyOrder: false, skipNotifications: true, Entry("a", """{"jsonrpc":"2.0","result":["demo"],"id":1}""")));

        var outcome = expectations.Offer("a", """{"jsonrpc":"2.0","method":"demo","params":{"n":1}}""");

        Assert.Equal(FrameOutcome.Dropped, outcome);
        Assert.False(expectations.IsSatisfied);
    }

    [Fact]
    public void Step_skipping_notifications_still_fails_on_an_unmatched_reply()
    {
        var expectations = new StepExpectations(Step(anyOrder: false, skipNotifications: true, Entry("a", """{"jsonrpc":"2.0","result":["demo"],"id":1}""")));

        var outcome = expectations.Offer("a", """{"jsonrpc":"2.0","result":["demo"],"id":2}""");

        Assert.Equal(FrameOutcome.Unexpected, outcome);
    }

    [Fact]
    public void Step_not_skipping_notifications_fails_on_an_unmatched_notification()
    {
        var expectations = new StepExpectations(Step(anyOrder: false, skipNotifications: false, Entry("a", """{"jsonrpc":"2.0","result":["demo"],"id":1}""")));

        var outcome = expectations.Offer("a", """{"jsonrpc":"2.0","method":"demo","params":{"n":1}}""");

        Assert.Equal(FrameOutcome.Unexpected, outcome);
    }

    [Fact]
    public void Step_entry_with_ignore_data_and_regex_entry_match()
    {
        var expectations = new StepExpectations(Step(
            anyOrder: false,
            skipNotifications: false,
            new ExpectedFrame("a", InvalidParams, null, IgnoreData: true),
            new ExpectedFrame("a", null, @"\{""jsonrpc"":""2\.0"",""method"":""clock"".*\}", IgnoreData: false)));

        Assert.Equal(FrameOutcome.Matched, expectations.Offer("a", """{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"x"},"id":20}"""));
        Assert.Equal(FrameOutcome.Matched, expectations.Offer("a", """{"jsonrpc":"2.0","method":"clock","params":{}}"""));
        Assert.True(expectations.IsSatisfied);
    }

    [Fact]
    public void Frame_bytes_of_byte_order_mark_case_begin_with_EF_BB_BF()
    {
        var vector = ConformanceVectors.Case("UTF-8 byte order mark before the message is a parse error");

        var bytes = ConformanceConnection.ToFrameBytes(vector.Send);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'{' }, bytes[..4]);
    }

    [Fact]
    public void Frame_bytes_of_every_case_are_its_text_as_utf8()
    {
        Assert.All(ConformanceVectors.Cases, vector =>
            Assert.Equal(vector.Send, System.Text.Encoding.UTF8.GetString(ConformanceConnection.ToFrameBytes(vector.Send))));
    }

    private static ExpectedFrame Entry(string conn, string frame) => new(conn, frame, null, IgnoreData: false);

    private static SequenceStep Step(bool anyOrder, bool skipNotifications, params ExpectedFrame[] entries) =>
        new("a", null, entries, anyOrder, skipNotifications, TimeSpan.FromSeconds(3));
}
