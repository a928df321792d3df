using System.Numerics;
using System.Text;
using Hub.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Protocol;

/// <summary>A client's reading of what a server sends (<see cref="JsonRpcParser.ParseFromServer"/>): replies, notifications, calls, batch replies.</summary>
public sealed class JsonRpcParserFromServerTests
{
    private const int MaxDepth = 64;

    [Fact]
    public void ParseFromServer_success_keeps_its_id_and_reads_big_integers_as_BigInteger()
    {
        var success = Single<JsonRpcSuccess>("""{"jsonrpc":"2.0","result":[123456789012345678901234567890,1.5],"id":7}""");

        Assert.Equal(RequestId.FromNumber(7), success.Id);
        var big = Assert.IsType<JValue>(success.Result[0]);
        Assert.Equal(BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture), big.Value);
        Assert.Equal(1.5, (double)success.Result[1]!);
    }

    [Fact]
    public void ParseFromServer_failure_reads_code_message_and_data()
    {
        var failure = Single<JsonRpcFailure>("""{"jsonrpc":"2.0","error":{"code":-32050,"message":"No.","data":{"why":1}},"id":"s"}""");

        Assert.Equal(RequestId.FromString("s"), failure.Id);
        Assert.Equal(-32050, failure.Error.Code);
        Assert.Equal("No.", failure.Error.Message);
        Assert.Equal("""{"why":1}""", failure.Error.Data!.ToString(Formatting.None));
    }

    [Fact]
    public void ParseFromServer_refusal_without_an_id_reads_with_a_null_id()
    {
        var failure = Single<JsonRpcFailure>("""{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"}}""");

        Assert.Equal(RequestId.Null, failure.Id);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, failure.Error.Code);
    }

    [Theory]
    [InlineData("""{"result":1,"id":1}""", "'jsonrpc' must be \"2.0\"")]
    [InlineData("""{"jsonrpc":"1.0","result":1,"id":1}""", "'jsonrpc' must be \"2.0\"")]
    [InlineData("""{"method":"news"}""", "'jsonrpc' must be \"2.0\"")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""", "a reply needs 'result' or 'error'")]
    [InlineData("""{"jsonrpc":"2.0","error":"broken","id":1}""", "'error' must be an object")]
    [InlineData("""{"jsonrpc":"2.0","result":1,"id":[1]}""", "'id' must be a string, a number or null")]
    [InlineData("""{"jsonrpc":"2.0","method":"news","params":5}""", "'params' must be an array or an object")]
    [InlineData("""{"jsonrpc":"2.0","method":5,"result":1,"id":1}""", "'method' must be a string")]
    public void ParseFromServer_message_that_is_no_reply_notification_or_call_is_invalid(string text, string reason)
    {
        Assert.Equal(reason, Single<JsonRpcInvalid>(text).Reason);
    }

    [Fact]
    public void ParseFromServer_server_call_and_notification_read_as_request_and_notification()
    {
        var call = Single<JsonRpcRequest>("""{"jsonrpc":"2.0","method":"confirm","params":{"text":"ok?"},"id":"s:1"}""");
        var notification = Single<JsonRpcNotification>("""{"jsonrpc":"2.0","method":"news"}""");

        Assert.Equal(RequestId.FromString("s:1"), call.Id);
        Assert.Equal("confirm", call.Method);
        Assert.Equal("ok?", (string?)call.Params!["text"]);
        Assert.Equal("news", notification.Method);
        Assert.Null(notification.Params);
    }

    [Fact]
    public void ParseFromServer_batch_reply_keeps_its_entries_in_order_and_may_be_empty()
    {
        var batch = Assert.IsType<ServerFrame.Batch>(Parse("""[{"jsonrpc":"2.0","result":1,"id":1},[2],{"jsonrpc":"2.0","error":{"code":1,"message":"m"},"id":2}]"""));
        var empty = Assert.IsType<ServerFrame.Batch>(Parse("[]"));

        Assert.IsType<JsonRpcSuccess>(batch.Entries[0]);
        Assert.Equal("batches do not nest", Assert.IsType<JsonRpcInvalid>(batch.Entries[1]).Reason);
        Assert.IsType<JsonRpcFailure>(batch.Entries[2]);
        Assert.Empty(empty.Entries);
    }

    [Theory]
    [InlineData("{not json", false)]
    [InlineData("""{"jsonrpc":"2.0","result":NaN,"id":1}""", false)]
    [InlineData("""{"jsonrpc":"2.0","result":[[[]]],"id":1}""", true)]
    [InlineData("""{"jsonrpc":"2.0","result":[1,[2,[]]],"id":1}""", true)]
    public void ParseFromServer_unreadable_text_says_whether_it_was_too_deep(string text, bool tooDeep)
    {
        var unreadable = Assert.IsType<ServerFrame.Unreadable>(JsonRpcParser.ParseFromServer(Encoding.UTF8.GetBytes(text), maxDepth: 3));

        Assert.Equal(tooDeep, unreadable.TooDeep);
        Assert.False(string.IsNullOrEmpty(unreadable.Reason));
    }

    [Fact]
    public void ParseFromServer_at_the_depth_limit_is_read()
    {
        Assert.IsType<JsonRpcSuccess>(Assert.IsType<ServerFrame.Single>(
            JsonRpcParser.ParseFromServer("""{"jsonrpc":"2.0","result":[[]],"id":1}"""u8, maxDepth: 3)).Message);
    }

    [Fact]
    public void Parse_from_a_client_still_keeps_big_integers_as_their_text()
    {
        var frame = JsonRpcParser.Parse("""{"jsonrpc":"2.0","method":"echo","params":[123456789012345678901234567890],"id":1}"""u8, MaxDepth, 100);

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.IsType<IntegerText>(request.Params![0]);
    }

    private static ServerFrame Parse(string text) => JsonRpcParser.ParseFromServer(Encoding.UTF8.GetBytes(text), MaxDepth);

    private static T Single<T>(string text)
        where T : JsonRpcMessage =>
        Assert.IsType<T>(Assert.IsType<ServerFrame.Single>(Parse(text)).Message);
}
