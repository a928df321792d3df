using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>
/// The parser against generated input: it never throws, every frame comes to one error reply with a null id, one
/// message or a batch, and request-like objects are read as PROTOCOL.md section 3 says (see <see cref="ProtocolModel"/>).
/// </summary>
public sealed class ParserPropertyTests
{
    [Property(MaxTest = 1000)]
    public Property Parse_of_random_bytes_never_throws_and_gives_a_well_formed_frame() =>
        Prop.ForAll(MessageGen.RandomBytes.ToArbitrary(), input => { FrameAssert.WellFormed(input.Bytes); });

    [Property(MaxTest = 500)]
    public Property Parse_of_json_fragments_never_throws_and_gives_a_well_formed_frame() =>
        Prop.ForAll(MessageGen.Fragments.ToArbitrary(), input => { FrameAssert.WellFormed(input.Bytes); });

    [Property(MaxTest = 1000)]
    public Property Parse_of_mutated_valid_frames_never_throws_and_gives_a_well_formed_frame() =>
        Prop.ForAll(MessageGen.Mutated.ToArbitrary(), input => { FrameAssert.WellFormed(input.Bytes); });

    [Property(MaxTest = 300)]
    public Property Parse_of_request_like_objects_classifies_each_as_the_protocol_says() =>
        Prop.ForAll(MessageGen.RequestLikeFrame.ToArbitrary(), frame =>
        {
            var parsed = FrameAssert.WellFormed(frame.Bytes);

            IReadOnlyList<JsonRpcMessage> messages = parsed switch
            {
                ParsedFrame.Single single when !frame.IsBatch => [single.Message],
                ParsedFrame.Batch batch when frame.IsBatch => batch.Entries,
                _ => throw new Xunit.Sdk.XunitException($"read as {parsed}"),
            };
            Assert.Equal(
                frame.Entries.Select(e => $"{e.Kind} id {e.IdEcho}"),
                messages.Select(FrameAssert.Describe).Select(d => $"{d.Kind} id {d.Id}"));
        });

    [Property]
    public Property Parse_value_nested_to_the_limit_is_read_and_one_level_deeper_is_a_parse_error() =>
        Prop.ForAll(NestingCases.ToArbitrary(), c =>
        {
            var atLimit = JsonRpcParser.Parse(Encoding.UTF8.GetBytes(JsonGen.Write(c.AtLimit)), c.Limit, FrameAssert.MaxBatch);
            var overLimit = JsonRpcParser.Parse(Encoding.UTF8.GetBytes(JsonGen.Write(c.OverLimit)), c.Limit, FrameAssert.MaxBatch);

            Assert.False(atLimit is ParsedFrame.Rejected { Reply.Error.Code: -32700 }, $"depth {c.Limit} refused: {atLimit}");
            AssertParseError(overLimit);
        });

    [Property]
    public Property Parse_request_nested_to_the_limit_is_a_request_and_one_level_deeper_is_a_parse_error() =>
        Prop.ForAll(NestingCases.Where(c => c.Limit >= 2).ToArbitrary(), c =>
        {
            // The request object is one level, so params of depth limit - 1 make a message of depth limit.
            var atLimit = JsonRpcParser.Parse(Request(c.InnerAtLimit), c.Limit, FrameAssert.MaxBatch);
            var overLimit = JsonRpcParser.Parse(Request(c.AtLimit), c.Limit, FrameAssert.MaxBatch);

            var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(atLimit).Message);
            Assert.Null(JsonEquivalence.Difference(c.InnerAtLimit, request.Params));
            AssertParseError(overLimit);
        });

    /// <summary>A limit (often the default 64) and values whose depth is one less than, equal to, and one more than it.</summary>
    private static Gen<NestingCase> NestingCases =>
        from limit in Gen.Frequency((1, Gen.Constant(FrameAssert.MaxDepth)), (2, Gen.Choose(1, FrameAssert.MaxDepth - 1)))
        from inner in JsonGen.OfDepth(limit - 1)
        from atLimit in JsonGen.OfDepth(limit)
        from overLimit in JsonGen.OfDepth(limit + 1)
        select new NestingCase(limit, inner, atLimit, overLimit);

    private static byte[] Request(JToken parameters) =>
        Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":" + JsonGen.Write(parameters) + ",\"id\":1}");

    private static void AssertParseError(ParsedFrame frame)
    {
        var rejected = Assert.IsType<ParsedFrame.Rejected>(frame);
        Assert.Equal(-32700, rejected.Reply.Error.Code);
        Assert.Equal(RequestId.Null, rejected.Reply.Id);
    }
}
