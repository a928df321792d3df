using System.Text;
using Hub.Protocol;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Protocol;

/// <summary>Frames to messages: PROTOCOL.md sections 2 to 4, with the default limits of section 9.</summary>
public sealed class JsonRpcParserTests
{
    private const int MaxDepth = 64;
    private const int MaxBatch = 100;

    [Theory]
    [InlineData("{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]")]
    [InlineData("[\n  {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n  {\"jsonrpc\": \"2.0\", \"method\"\n]")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":NaN}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[Infinity],\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[-Infinity],\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1} // trailing comment")]
    [InlineData("{\"jsonrpc\":\"2.0\",/* comment */\"method\":\"ping\",\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1,}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1,],\"id\":1}")]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1},]")]
    [InlineData("{'jsonrpc':'2.0','method':'ping','id':1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"a\u0001b\"],\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"a\nb\"],\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"a\\ud800\"],\"id\":13}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"\\udc00b\"],\"id\":14}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1} x")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1e400],\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":-1e400}")]
    [InlineData("")]
    [InlineData(" \r\n")]
    public void Parse_text_that_is_not_strict_json_is_a_parse_error_with_null_id(string text)
    {
        var frame = Parse(text);

        AssertParseError(frame);
    }

    [Theory]
    [InlineData("EF BB BF 7B 22 6A 73 6F 6E 72 70 63 22 3A 22 32 2E 30 22 2C 22 6D 65 74 68 6F 64 22 3A 22 70 69 6E 67 22 2C 22 69 64 22 3A 31 35 7D")]
    [InlineData("7B 22 6A 73 6F 6E 72 70 63 22 3A 22 32 2E 30 22 2C 22 6D 65 74 68 6F 64 22 3A 22 FF 22 2C 22 69 64 22 3A 31 7D")]
    [InlineData("7B 22 6A 73 6F 6E 72 70 63 22 3A 22 32 2E 30 22 2C 22 6D 65 74 68 6F 64 22 3A 22 C0 AF 22 2C 22 69 64 22 3A 31 7D")]
    [InlineData("7B 22 6A 73 6F 6E 72 70 63 22 3A 22 32 2E 30 22 2C 22 6D 65 74 68 6F 64 22 3A 22 ED A0 80 22 2C 22 69 64 22 3A 31 7D")]
    [InlineData("7B 22 6A 73 6F 6E 72 70 63 22 3A 22 32 2E 30 22 2C 22 6D 65 74 68 6F 64 22 3A 22 E6 97 22 2C 22 69 64 22 3A 31 7D")]
    public void Parse_bytes_that_are_not_utf8_json_are_a_parse_error_with_null_id(string hex)
    {
        var frame = JsonRpcParser.Parse(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal)), MaxDepth, MaxBatch);

        AssertParseError(frame);
    }

    [Fact]
    public void Parse_byte_order_mark_before_a_valid_request_is_a_parse_error()
    {
        var bytes = "\uFEFF{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":15}"u8.ToArray();

        var frame = JsonRpcParser.Parse(bytes, MaxDepth, MaxBatch);

        Assert.Equal(0xEF, bytes[0]);
        AssertParseError(frame);
    }

    [Fact]
    public void Parse_object_of_depth_64_is_accepted()
    {
        var frame = Parse(EchoOfNestedArrays(63, id: 1));

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal(RequestId.FromNumber(1), request.Id);
        Assert.Equal(JTokenType.Array, request.Params!.Type);
    }

    [Fact]
    public void Parse_object_of_depth_65_is_a_parse_error_even_with_an_id()
    {
        var frame = Parse(EchoOfNestedArrays(64, id: 1));

        AssertParseError(frame);
    }

    [Fact]
    public void Parse_array_of_depth_64_is_a_batch()
    {
        var frame = Parse(new string('[', 64) + new string(']', 64));

        var batch = Assert.IsType<ParsedFrame.Batch>(frame);
        var entry = Assert.Single(batch.Entries);
        Assert.Equal(RequestId.Null, Assert.IsType<JsonRpcInvalid>(entry).Id);
    }

    [Fact]
    public void Parse_array_of_depth_65_is_a_parse_error()
    {
        var frame = Parse(new string('[', 65) + new string(']', 65));

        AssertParseError(frame);
    }

    [Fact]
    public void Parse_batch_of_depth_64_is_accepted()
    {
        var frame = Parse("[" + EchoOfNestedArrays(62, id: 1) + "]");

        var batch = Assert.IsType<ParsedFrame.Batch>(frame);
        Assert.IsType<JsonRpcRequest>(Assert.Single(batch.Entries));
    }

    [Fact]
    public void Parse_batch_of_depth_65_is_a_parse_error()
    {
        var frame = Parse("[" + EchoOfNestedArrays(63, id: 1) + "]");

        AssertParseError(frame);
    }

    [Fact]
    public void Parse_nested_objects_of_depth_64_in_params_are_accepted()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 62)) + "{}" + new string('}', 62);

        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":" + nested + ",\"id\":1}");

        Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
    }

    [Fact]
    public void Parse_nested_objects_of_depth_65_in_params_are_a_parse_error()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 63)) + "{}" + new string('}', 63);

        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":" + nested + ",\"id\":1}");

        AssertParseError(frame);
    }

    [Fact]
    public void Parse_request_reads_method_params_and_id()
    {
        var frame = Parse("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}");

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal("subtract", request.Method);
        AssertJson(new JArray(42, 23), request.Params);
        Assert.Equal(RequestId.FromNumber(1), request.Id);
    }

    [Fact]
    public void Parse_named_params_are_an_object()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"subtrahend\":23,\"minuend\":42},\"id\":3}");

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        var parameters = Assert.IsType<JObject>(request.Params);
        Assert.Equal(["subtrahend", "minuend"], parameters.Properties().Select(p => p.Name));
    }

    [Fact]
    public void Parse_params_omitted_are_null()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}");

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Null(request.Params);
    }

    [Fact]
    public void Parse_empty_params_array_and_object_are_kept()
    {
        var array = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":[],\"id\":1}");
        var obj = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":{},\"id\":1}");

        Assert.Equal(JTokenType.Array, Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(array).Message).Params!.Type);
        Assert.Equal(JTokenType.Object, Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(obj).Message).Params!.Type);
    }

    [Fact]
    public void Parse_message_without_id_is_a_notification()
    {
        var frame = Parse("{\"jsonrpc\": \"2.0\", \"method\": \"update\", \"params\": [1,2,3,4,5]}");

        var notification = Assert.IsType<JsonRpcNotification>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal("update", notification.Method);
        AssertJson(new JArray(1, 2, 3, 4, 5), notification.Params);
    }

    [Fact]
    public void Parse_message_with_null_id_is_a_request_with_null_id()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":null}");

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal(RequestId.Null, request.Id);
    }

    [Theory]
    [InlineData("\"abc\"", "String", "abc")]
    [InlineData("\"1\"", "String", "1")]
    [InlineData("\"\"", "String", "")]
    [InlineData("\"s:1\"", "String", "s:1")]
    [InlineData("1", "Number", "1")]
    [InlineData("0", "Number", "0")]
    [InlineData("-7", "Number", "-7")]
    [InlineData("9007199254740993", "Number", "9007199254740993")]
    [InlineData("123456789012345678901234567890", "Number", "123456789012345678901234567890")]
    [InlineData("-123456789012345678901234567890", "Number", "-123456789012345678901234567890")]
    [InlineData("1.5", "Number", "1.5")]
    [InlineData("1e21", "Number", "1e+21")]
    public void Parse_valid_id_is_kept_exactly(string idJson, string kind, string text)
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + idJson + "}");

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal(new RequestId(Enum.Parse<RequestIdKind>(kind), text), request.Id);
    }

    [Fact]
    public void Parse_string_id_and_number_id_with_the_same_digits_differ()
    {
        var text = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(Parse("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"id\":\"1\"}")).Message);
        var number = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(Parse("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"id\":1}")).Message);

        Assert.NotEqual(text.Id, number.Id);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("{\"a\":1}")]
    [InlineData("[1]")]
    [InlineData("[]")]
    public void Parse_id_of_another_type_is_invalid_with_null_id(string idJson)
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + idJson + "}");

        AssertInvalid(frame, RequestId.Null);
    }

    [Theory]
    [InlineData("{\"method\":\"ping\",\"id\":1}", "1")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"method\":\"ping\",\"id\":2}", "2")]
    [InlineData("{\"jsonrpc\":2.0,\"method\":\"ping\",\"id\":3}", "3")]
    [InlineData("{\"jsonrpc\":2,\"method\":\"ping\",\"id\":3}", "3")]
    [InlineData("{\"jsonrpc\":null,\"method\":\"ping\",\"id\":4}", "4")]
    [InlineData("{\"jsonrpc\":\"2.0 \",\"method\":\"ping\",\"id\":\"v\"}", "\"v\"")]
    [InlineData("{\"jsonrpc\":\"2\",\"method\":\"ping\",\"id\":5}", "5")]
    [InlineData("{\"jsonrpc\":[\"2.0\"],\"method\":\"ping\",\"id\":6}", "6")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":1,\"params\":\"bar\",\"id\":7}", "7")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":null,\"id\":7}", "7")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":[\"ping\"],\"id\":7}", "7")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7}", "7")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":42,\"id\":8}", "8")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":\"x\",\"id\":\"s\"}", "\"s\"")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":true,\"id\":9}", "9")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":null,\"id\":12}", "12")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":null,\"id\":null}", "null")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":\"demo\",\"id\":13}", "13")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":1.5,\"id\":123456789012345678901234567890}", "123456789012345678901234567890")]
    public void Parse_invalid_request_keeps_a_valid_id(string text, string idText)
    {
        var frame = Parse(text);

        AssertInvalid(frame, IdOf(idText));
    }

    [Theory]
    [InlineData("{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":\"x\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":null}")]
    [InlineData("{\"method\":\"ping\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\"}")]
    [InlineData("{\"foo\":\"boo\"}")]
    [InlineData("{}")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"method\":\"ping\",\"id\":true}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":1,\"id\":{}}")]
    public void Parse_invalid_request_without_a_usable_id_has_null_id(string text)
    {
        var frame = Parse(text);

        AssertInvalid(frame, RequestId.Null);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-1.5")]
    [InlineData("\"ping\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("false")]
    public void Parse_top_level_scalar_is_invalid_with_null_id(string text)
    {
        var frame = Parse(text);

        AssertInvalid(frame, RequestId.Null);
    }

    [Fact]
    public void Parse_unknown_members_are_ignored()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"extra\":{\"x\":1},\"id\":1,\"version\":2}");

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal("ping", request.Method);
        Assert.Equal(RequestId.FromNumber(1), request.Id);
    }

    [Fact]
    public void Parse_repeated_member_names_last_one_wins()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"no_such_method\",\"params\":[1,2],\"method\":\"add\",\"params\":[40,2],\"id\":2}");

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal("add", request.Method);
        AssertJson(new JArray(40, 2), request.Params);
    }

    [Fact]
    public void Parse_repeated_id_last_one_wins()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":true,\"id\":\"ok\"}");

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal(RequestId.FromString("ok"), request.Id);
    }

    [Fact]
    public void Parse_repeated_named_param_keeps_last_value_at_first_position()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"a\":1,\"b\":2,\"a\":3},\"id\":4}");

        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        var parameters = Assert.IsType<JObject>(request.Params);
        Assert.Equal(["a", "b"], parameters.Properties().Select(p => p.Name));
        Assert.Equal(3, (int)parameters["a"]!);
    }

    [Fact]
    public void Parse_client_result_reply_is_a_client_reply()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"result\":\"yes\",\"id\":\"s:999\"}");

        var reply = Assert.IsType<JsonRpcClientReply>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal(RequestId.FromString("s:999"), reply.Id);
        Assert.Equal("yes", (string?)reply.Result);
        Assert.Null(reply.Error);
    }

    [Fact]
    public void Parse_client_null_result_reply_keeps_a_null_result()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":77}");

        var reply = Assert.IsType<JsonRpcClientReply>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal(RequestId.FromNumber(77), reply.Id);
        Assert.NotNull(reply.Result);
        Assert.Equal(JTokenType.Null, reply.Result.Type);
        Assert.Null(reply.Error);
    }

    [Fact]
    public void Parse_client_error_reply_is_a_client_reply_with_the_error()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\",\"data\":[1]},\"id\":\"s:1000\"}");

        var reply = Assert.IsType<JsonRpcClientReply>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal(RequestId.FromString("s:1000"), reply.Id);
        Assert.Null(reply.Result);
        Assert.NotNull(reply.Error);
        Assert.Equal(-32601, reply.Error.Code);
        Assert.Equal("Method not found", reply.Error.Message);
        AssertJson(new JArray(1), reply.Error.Data);
    }

    [Theory]
    [InlineData("123456789012345678901234567890")]
    [InlineData("-9223372036854775809")]
    [InlineData("4294967296")]
    [InlineData("-2147483649")]
    [InlineData("1.5")]
    [InlineData("\"x\"")]
    public void Parse_client_error_reply_with_a_code_that_is_not_an_int_does_not_throw(string code)
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":" + code + ",\"message\":\"m\"},\"id\":\"s:1\"}");

        var reply = Assert.IsType<JsonRpcClientReply>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.NotNull(reply.Error);
        Assert.Equal(JsonRpcErrorCodes.InternalError, reply.Error.Code);
        Assert.Equal("m", reply.Error.Message);
    }

    [Fact]
    public void Parse_client_error_reply_with_an_int_code_at_the_edge_keeps_it()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-2147483648,\"message\":\"m\"},\"id\":\"s:1\"}");

        var reply = Assert.IsType<JsonRpcClientReply>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal(int.MinValue, reply.Error!.Code);
    }

    [Fact]
    public void Parse_message_with_method_and_result_is_a_request()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"result\":1,\"id\":1}");

        Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);
    }

    [Fact]
    public void Parse_empty_batch_is_rejected_with_invalid_request_and_null_id()
    {
        var frame = Parse("[]");

        var rejected = Assert.IsType<ParsedFrame.Rejected>(frame);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejected.Reply.Error.Code);
        Assert.Equal("Invalid Request", rejected.Reply.Error.Message);
        Assert.Equal(RequestId.Null, rejected.Reply.Id);
    }

    [Fact]
    public void Parse_empty_batch_with_white_space_is_rejected_with_invalid_request()
    {
        var frame = Parse(" [ ] ");

        var rejected = Assert.IsType<ParsedFrame.Rejected>(frame);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejected.Reply.Error.Code);
    }

    [Fact]
    public void Parse_batch_at_the_limit_is_a_batch()
    {
        var frame = Parse(BatchOfPings(MaxBatch, withIds: true));

        var batch = Assert.IsType<ParsedFrame.Batch>(frame);
        Assert.Equal(MaxBatch, batch.Entries.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Parse_batch_over_the_limit_is_rejected_with_invalid_request_and_null_id(bool withIds)
    {
        var frame = Parse(BatchOfPings(MaxBatch + 1, withIds));

        var rejected = Assert.IsType<ParsedFrame.Rejected>(frame);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, rejected.Reply.Error.Code);
        Assert.Equal("Invalid Request", rejected.Reply.Error.Message);
        Assert.Equal(RequestId.Null, rejected.Reply.Id);
    }

    [Fact]
    public void Parse_batch_limit_is_the_one_given()
    {
        var atLimit = JsonRpcParser.Parse(Encoding.UTF8.GetBytes(BatchOfPings(3, withIds: true)), MaxDepth, 3);
        var overLimit = JsonRpcParser.Parse(Encoding.UTF8.GetBytes(BatchOfPings(4, withIds: true)), MaxDepth, 3);

        Assert.IsType<ParsedFrame.Batch>(atLimit);
        Assert.IsType<ParsedFrame.Rejected>(overLimit);
    }

    [Fact]
    public void Parse_batch_entries_keep_their_order_and_kinds()
    {
        var frame = Parse(
            "[{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2,4],\"id\":\"1\"},"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"notify_hello\",\"params\":[7]},"
            + "{\"foo\":\"boo\"},"
            + "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"s:1\"},"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"get_data\",\"id\":9}]");

        var batch = Assert.IsType<ParsedFrame.Batch>(frame);
        Assert.Collection(
            batch.Entries,
            e => Assert.Equal(RequestId.FromString("1"), Assert.IsType<JsonRpcRequest>(e).Id),
            e => Assert.Equal("notify_hello", Assert.IsType<JsonRpcNotification>(e).Method),
            e => Assert.Equal(RequestId.Null, Assert.IsType<JsonRpcInvalid>(e).Id),
            e => Assert.Equal(RequestId.FromString("s:1"), Assert.IsType<JsonRpcClientReply>(e).Id),
            e => Assert.Equal(RequestId.FromNumber(9), Assert.IsType<JsonRpcRequest>(e).Id));
    }

    [Fact]
    public void Parse_batch_of_scalars_gives_one_invalid_entry_each()
    {
        var frame = Parse("[1,\"x\",null,true,{}]");

        var batch = Assert.IsType<ParsedFrame.Batch>(frame);
        Assert.Equal(5, batch.Entries.Count);
        Assert.All(batch.Entries, e => Assert.Equal(RequestId.Null, Assert.IsType<JsonRpcInvalid>(e).Id));
    }

    [Fact]
    public void Parse_nested_array_in_a_batch_is_an_invalid_entry_with_null_id()
    {
        var frame = Parse("[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1},[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":2}]]");

        var batch = Assert.IsType<ParsedFrame.Batch>(frame);
        Assert.Collection(
            batch.Entries,
            e => Assert.IsType<JsonRpcRequest>(e),
            e => Assert.Equal(RequestId.Null, Assert.IsType<JsonRpcInvalid>(e).Id));
    }

    [Fact]
    public void Parse_nested_empty_array_in_a_batch_is_an_invalid_entry()
    {
        var frame = Parse("[[]]");

        var batch = Assert.IsType<ParsedFrame.Batch>(frame);
        Assert.IsType<JsonRpcInvalid>(Assert.Single(batch.Entries));
    }

    [Fact]
    public void Parse_invalid_entry_in_a_batch_keeps_a_valid_id()
    {
        var frame = Parse("[{\"jsonrpc\":\"1.0\",\"method\":\"ping\",\"id\":\"v\"},{\"jsonrpc\":\"2.0\",\"method\":1,\"id\":3}]");

        var batch = Assert.IsType<ParsedFrame.Batch>(frame);
        Assert.Collection(
            batch.Entries,
            e => Assert.Equal(RequestId.FromString("v"), Assert.IsType<JsonRpcInvalid>(e).Id),
            e => Assert.Equal(RequestId.FromNumber(3), Assert.IsType<JsonRpcInvalid>(e).Id));
    }

    // The envelope is read off the reader, not through a tree: what it reads and what it only skips are still checked in full.
    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"extra\":[\"a\\ud800\"],\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"extra\":1e400,\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"e\\udc00\":1,\"id\":1}")]
    [InlineData("{\"jsonrpc\":1e400,\"method\":\"ping\",\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"\\ud800\",\"method\":\"ping\",\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":[1e400],\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":[\"\\udc00\"]}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"result\":1,\"error\":{\"message\":\"\\ud800\"},\"id\":1}")]
    public void Parse_bad_text_in_any_member_is_a_parse_error(string text)
    {
        AssertParseError(Parse(text));
    }

    [Fact]
    public void Parse_bad_text_in_a_batch_entry_past_the_limit_is_a_parse_error_not_a_refusal()
    {
        var entries = Enumerable.Repeat("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}", MaxBatch).Append("[\"\\ud800\"]");

        AssertParseError(Parse("[" + string.Join(",", entries) + "]"));
    }

    [Fact]
    public void Parse_escaped_member_names_and_version_read_as_their_text()
    {
        var frame = Parse("{\"json\\u0072pc\":\"2\\u002e0\",\"m\\u0065thod\":\"ping\",\"\\u0069d\":7}");

        Assert.Equal(new JsonRpcRequest(RequestId.FromNumber(7), "ping", null), Assert.IsType<ParsedFrame.Single>(frame).Message);
    }

    [Fact]
    public void Parse_repeated_method_last_one_wins_even_when_it_is_not_a_string()
    {
        AssertInvalid(Parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"method\":1,\"id\":3}"), RequestId.FromNumber(3));
    }

    [Fact]
    public void Parse_invalid_request_encodes_as_minus_32600_with_its_id()
    {
        var frame = Parse("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":\"x\",\"id\":\"s\"}");

        var bytes = JsonRpcEncoder.Encode(Assert.IsType<ParsedFrame.Single>(frame).Message);

        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"", text, StringComparison.Ordinal);
        Assert.EndsWith("},\"id\":\"s\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_parse_error_encodes_as_minus_32700_with_null_id()
    {
        var frame = Parse("{");

        var bytes = JsonRpcEncoder.Encode(Assert.IsType<ParsedFrame.Rejected>(frame).Reply);

        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"", text, StringComparison.Ordinal);
        Assert.EndsWith("},\"id\":null}", text, StringComparison.Ordinal);
    }

    private static ParsedFrame Parse(string text) => JsonRpcParser.Parse(Encoding.UTF8.GetBytes(text), MaxDepth, MaxBatch);

    private static void AssertJson(JToken expected, JToken? actual) =>
        Assert.True(JToken.DeepEquals(expected, actual), $"expected {expected.ToString(Newtonsoft.Json.Formatting.None)}, got {actual?.ToString(Newtonsoft.Json.Formatting.None)}");

    private static void AssertParseError(ParsedFrame frame)
    {
        var rejected = Assert.IsType<ParsedFrame.Rejected>(frame);
        Assert.Equal(JsonRpcErrorCodes.ParseError, rejected.Reply.Error.Code);
        Assert.Equal("Parse error", rejected.Reply.Error.Message);
        Assert.Equal(RequestId.Null, rejected.Reply.Id);
    }

    private static void AssertInvalid(ParsedFrame frame, RequestId id)
    {
        var invalid = Assert.IsType<JsonRpcInvalid>(Assert.IsType<ParsedFrame.Single>(frame).Message);
        Assert.Equal(id, invalid.Id);
        Assert.False(string.IsNullOrEmpty(invalid.Reason));
    }

    private static RequestId IdOf(string json)
    {
        var token = JsonText.TryParse(Encoding.UTF8.GetBytes(json), MaxDepth, out _);
        Assert.True(RequestId.TryFrom(token!, out var id));
        return id;
    }

    private static string EchoOfNestedArrays(int arrays, int id) =>
        "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":" + new string('[', arrays) + new string(']', arrays) + ",\"id\":" + id + "}";

    private static string BatchOfPings(int count, bool withIds) =>
        "[" + string.Join(",", Enumerable.Range(1, count).Select(i => withIds
            ? "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + i + "}"
            : "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}")) + "]";
}
