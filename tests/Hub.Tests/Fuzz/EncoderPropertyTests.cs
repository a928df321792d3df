using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Fuzz;

/// <summary>
/// Replies to generated valid frames: strict JSON in the member order of PROTOCOL.md section 2, the id echoed byte
/// for byte, one reply per request of a batch in request order, none for notifications.
/// </summary>
public sealed class EncoderPropertyTests
{
    [Property(MaxTest = 500)]
    public Property Reply_to_a_valid_request_is_strict_json_in_member_order_and_echoes_the_id_exactly() =>
        Prop.ForAll(MessageGen.ValidMessage.Where(m => !m.IsNotification).ToArbitrary(), message =>
        {
            var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(FrameAssert.WellFormed(message.Bytes)).Message);

            var success = JsonRpcEncoder.Success(request.Id, request.Params);
            var failure = JsonRpcEncoder.Failure(request.Id, JsonRpcError.MethodNotFound);
            var invalidParams = JsonRpcEncoder.Failure(request.Id, JsonRpcError.InvalidParams(request.Params ?? JValue.CreateNull()));

            Assert.Equal(message.IdEcho, FrameAssert.AssertReply(success));
            Assert.Equal(message.IdEcho, FrameAssert.AssertReply(failure));
            Assert.Equal(message.IdEcho, FrameAssert.AssertReply(invalidParams));
            Assert.Equal(message.Method, request.Method);
            Assert.Null(JsonEquivalence.Difference(message.Params, request.Params));
        });

    [Property]
    public Property Notification_is_read_as_a_notification_and_gets_no_reply() =>
        Prop.ForAll(MessageGen.ValidMessage.Where(m => m.IsNotification).ToArbitrary(), message =>
        {
            var frame = FrameAssert.WellFormed(message.Bytes);

            var notification = Assert.IsType<JsonRpcNotification>(Assert.IsType<ParsedFrame.Single>(frame).Message);
            Assert.Equal(message.Method, notification.Method);
            Assert.Null(FrameAssert.ReplyTo(frame));
        });

    [Property]
    public Property Batch_reply_has_one_entry_per_request_in_request_order_and_none_for_notifications() =>
        Prop.ForAll(MessageGen.ValidFrame.Where(f => f.IsBatch).ToArbitrary(), generated =>
        {
            var batch = Assert.IsType<ParsedFrame.Batch>(FrameAssert.WellFormed(generated.Bytes));

            Assert.Equal(generated.Messages.Select(m => m.IsNotification), batch.Entries.Select(e => e is JsonRpcNotification));
            var reply = FrameAssert.ReplyTo(batch);
            var expectedIds = generated.Messages.Where(m => !m.IsNotification).Select(m => m.IdEcho!).ToList();
            if (expectedIds.Count == 0)
            {
                Assert.Null(reply);
            }
            else
            {
                Assert.Equal(expectedIds, FrameAssert.Elements(reply!).Select(e => FrameAssert.AssertReply(Encoding.UTF8.GetBytes(e))));
            }
        });

    [Property(MaxTest = 300)]
    public Property Success_with_any_result_reads_back_as_the_same_result() =>
        Prop.ForAll(Gen.Zip(MessageGen.ValidId, JsonGen.Value).Select(p => new ReplyCase(p.Item1, p.Item2)).ToArbitrary(), c =>
        {
            var id = IdOf(c.Id);

            var reply = JsonRpcEncoder.Success(id, c.Value);

            Assert.Equal(c.Id.Echo, FrameAssert.AssertReply(reply));
            var parsed = (JObject)JsonText.TryParse(reply, FrameAssert.MaxDepth, out _)!;
            Assert.Null(JsonEquivalence.Difference(c.Value, parsed["result"]));
        });

    [Property(MaxTest = 300)]
    public Property Failure_with_any_data_keeps_code_message_data_in_order() =>
        Prop.ForAll(Gen.Zip(MessageGen.ValidId, JsonGen.Value).Select(p => new ReplyCase(p.Item1, p.Item2)).ToArbitrary(), c =>
        {
            var reply = JsonRpcEncoder.Failure(IdOf(c.Id), new JsonRpcError(-32050, "x", c.Value));

            Assert.Equal(c.Id.Echo, FrameAssert.AssertReply(reply));
            var error = FrameAssert.Members(Encoding.UTF8.GetBytes(FrameAssert.Members(reply)[1].Raw));
            Assert.Equal(["code", "message", "data"], error.Select(m => m.Name));
            Assert.Null(JsonEquivalence.Difference(c.Value, JsonText.TryParse(Encoding.UTF8.GetBytes(error[2].Raw), FrameAssert.MaxDepth, out _)));
        });

    [Property(MaxTest = 300)]
    public Property Encoded_request_or_notification_is_read_back_as_the_same_message() =>
        Prop.ForAll(MessageGen.ValidMessage.ToArbitrary(), message =>
        {
            var original = Assert.IsType<ParsedFrame.Single>(FrameAssert.WellFormed(message.Bytes)).Message;
            var encoded = original switch
            {
                JsonRpcRequest r => JsonRpcEncoder.Request(r.Id, r.Method, r.Params),
                JsonRpcNotification n => JsonRpcEncoder.Notification(n.Method, n.Params),
                _ => throw new Xunit.Sdk.XunitException($"read as {original}"),
            };

            var names = FrameAssert.Members(encoded).Select(m => m.Name).ToList();
            var expectedNames = new[] { "jsonrpc", "method", "params", "id" }
                .Where(n => n != "params" || message.Params is not null)
                .Where(n => n != "id" || !message.IsNotification);
            Assert.Equal(expectedNames, names);
            var again = Assert.IsType<ParsedFrame.Single>(FrameAssert.WellFormed(encoded)).Message;
            Assert.Equal(FrameAssert.Describe(original), FrameAssert.Describe(again));
            Assert.Equal(message.Method, again is JsonRpcRequest ar ? ar.Method : ((JsonRpcNotification)again).Method);
            Assert.Null(JsonEquivalence.Difference(message.Params, again is JsonRpcRequest pr ? pr.Params : ((JsonRpcNotification)again).Params));
        });

    private static RequestId IdOf(IdCase id)
    {
        var frame = FrameAssert.Parse(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":" + id.Token + "}"));
        return Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message).Id;
    }
}
