using System.Numerics;
using System.Text;
using Hub.Protocol;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Protocol;

/// <summary>Exact output bytes in the member order of PROTOCOL.md section 2.</summary>
public sealed class JsonRpcEncoderTests
{
    [Fact]
    public void Success_is_jsonrpc_result_id_in_that_order()
    {
        var bytes = JsonRpcEncoder.Success(RequestId.FromNumber(1), new JValue(19));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":19,\"id\":1}", Text(bytes));
    }

    [Fact]
    public void Success_with_string_id_writes_the_id_as_a_string()
    {
        var bytes = JsonRpcEncoder.Success(RequestId.FromString("1"), new JValue(7));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":7,\"id\":\"1\"}", Text(bytes));
    }

    [Fact]
    public void Success_with_null_id_writes_id_null()
    {
        var bytes = JsonRpcEncoder.Success(RequestId.Null, new JValue("pong"));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":null}", Text(bytes));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    public void Success_with_null_result_writes_result_null(string? resultJson)
    {
        var result = resultJson is null ? null : JValue.CreateNull();

        var bytes = JsonRpcEncoder.Success(RequestId.FromNumber(1), result);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1}", Text(bytes));
    }

    [Fact]
    public void Success_id_with_characters_to_escape_is_escaped()
    {
        var bytes = JsonRpcEncoder.Success(RequestId.FromString("a\"b\\c\u2028é"), new JValue(true));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"a\\\"b\\\\c\\u2028é\"}", Text(bytes));
    }

    [Fact]
    public void Success_big_integer_id_is_written_exactly()
    {
        Assert.True(RequestId.TryFrom(new JValue(BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture)), out var id));

        var bytes = JsonRpcEncoder.Success(id, new JValue("pong"));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":123456789012345678901234567890}", Text(bytes));
    }

    [Fact]
    public void Success_result_is_compact_with_member_order_and_number_forms_kept()
    {
        var result = new JObject
        {
            ["zeta"] = 1,
            ["alpha"] = new JArray(1.0, 100.0, 0.5, 1e21, 1e-7),
            ["mid"] = new JObject { ["y"] = null, ["x"] = "x" },
        };

        var bytes = JsonRpcEncoder.Success(RequestId.FromNumber(2), result);

        Assert.Equal(
            "{\"jsonrpc\":\"2.0\",\"result\":{\"zeta\":1,\"alpha\":[1,100,0.5,1e+21,1e-7],\"mid\":{\"y\":null,\"x\":\"x\"}},\"id\":2}",
            Text(bytes));
    }

    [Fact]
    public void Success_result_with_a_null_string_member_writes_null()
    {
        string? nickname = null;

        var bytes = JsonRpcEncoder.Success(RequestId.FromNumber(1), new JObject { ["nickname"] = nickname });

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"nickname\":null},\"id\":1}", Text(bytes));
    }

    [Fact]
    public void Success_result_that_cannot_be_written_throws()
    {
        Assert.Throws<JsonWriteException>(() => JsonRpcEncoder.Success(RequestId.FromNumber(1), new JValue(double.NaN)));
    }

    [Fact]
    public void Failure_without_data_is_code_then_message()
    {
        var bytes = JsonRpcEncoder.Failure(RequestId.FromString("1"), JsonRpcError.MethodNotFound);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":\"1\"}", Text(bytes));
    }

    [Fact]
    public void Failure_with_data_is_code_message_data()
    {
        var bytes = JsonRpcEncoder.Failure(RequestId.FromNumber(20), JsonRpcError.InvalidParams("missing parameter 'b'"));

        Assert.Equal(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":\"missing parameter 'b'\"},\"id\":20}",
            Text(bytes));
    }

    [Fact]
    public void Failure_with_structured_data_writes_it_as_json()
    {
        var bytes = JsonRpcEncoder.Failure(RequestId.FromNumber(6), JsonRpcError.InvalidParams(new JArray("no_such_topic", 1)));

        Assert.Equal(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":[\"no_such_topic\",1]},\"id\":6}",
            Text(bytes));
    }

    [Fact]
    public void Failure_parse_error_has_null_id()
    {
        var bytes = JsonRpcEncoder.Failure(RequestId.Null, JsonRpcError.ParseError());

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}", Text(bytes));
    }

    [Fact]
    public void Failure_handler_chosen_error_without_data_has_no_data_member()
    {
        var bytes = JsonRpcEncoder.Failure(RequestId.FromNumber(28), new JsonRpcError(-32050, "Computer says no."));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32050,\"message\":\"Computer says no.\"},\"id\":28}", Text(bytes));
    }

    [Fact]
    public void Failure_message_is_escaped_like_any_string()
    {
        var bytes = JsonRpcEncoder.Failure(RequestId.FromNumber(1), new JsonRpcError(1, "say \"no\"\n"));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"say \\\"no\\\"\\n\"},\"id\":1}", Text(bytes));
    }

    [Theory]
    [InlineData(-32700, "{\"code\":-32700,\"message\":\"Parse error\"}")]
    [InlineData(-32600, "{\"code\":-32600,\"message\":\"Invalid Request\"}")]
    [InlineData(-32601, "{\"code\":-32601,\"message\":\"Method not found\"}")]
    [InlineData(-32602, "{\"code\":-32602,\"message\":\"Invalid params\"}")]
    [InlineData(-32603, "{\"code\":-32603,\"message\":\"Internal error\"}")]
    [InlineData(-32001, "{\"code\":-32001,\"message\":\"Request timed out\"}")]
    [InlineData(-32002, "{\"code\":-32002,\"message\":\"Too many requests\"}")]
    [InlineData(-32003, "{\"code\":-32003,\"message\":\"Method unavailable\"}")]
    [InlineData(-32004, "{\"code\":-32004,\"message\":\"Server shutting down\"}")]
    public void Failure_standard_errors_have_the_codes_and_messages_of_section_4(int code, string errorJson)
    {
        var bytes = JsonRpcEncoder.Failure(RequestId.FromNumber(1), new JsonRpcError(code, JsonRpcErrorCodes.MessageOf(code)));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":" + errorJson + ",\"id\":1}", Text(bytes));
    }

    [Fact]
    public void Failure_fixed_errors_carry_no_data()
    {
        var errors = new[]
        {
            JsonRpcError.MethodNotFound, JsonRpcError.InternalError, JsonRpcError.RequestTimedOut,
            JsonRpcError.TooManyRequests, JsonRpcError.MethodUnavailable, JsonRpcError.ServerShuttingDown,
        };

        var texts = errors.Select(e => Text(JsonRpcEncoder.Failure(RequestId.FromNumber(1), e))).ToList();

        Assert.All(texts, t => Assert.DoesNotContain("\"data\"", t, StringComparison.Ordinal));
    }

    [Fact]
    public void Notification_without_params_has_no_params_member()
    {
        var bytes = JsonRpcEncoder.Notification("demo", null);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"demo\"}", Text(bytes));
    }

    [Fact]
    public void Notification_with_json_null_params_has_no_params_member()
    {
        var bytes = JsonRpcEncoder.Notification("demo", JValue.CreateNull());

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"demo\"}", Text(bytes));
    }

    [Fact]
    public void Notification_with_params_is_jsonrpc_method_params()
    {
        var bytes = JsonRpcEncoder.Notification("demo", new JObject { ["n"] = 1 });

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"demo\",\"params\":{\"n\":1}}", Text(bytes));
    }

    [Fact]
    public void Notification_with_array_params_writes_them()
    {
        var bytes = JsonRpcEncoder.Notification("clock", new JArray(new JObject { ["time"] = "2026-11-24T14:57:38.123Z" }));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"clock\",\"params\":[{\"time\":\"2026-11-24T14:57:38.123Z\"}]}", Text(bytes));
    }

    [Fact]
    public void Request_is_jsonrpc_method_params_id()
    {
        var bytes = JsonRpcEncoder.Request(RequestId.FromString("s:1"), "confirm", new JObject { ["question"] = "sure?" });

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"confirm\",\"params\":{\"question\":\"sure?\"},\"id\":\"s:1\"}", Text(bytes));
    }

    [Fact]
    public void Request_without_params_is_jsonrpc_method_id()
    {
        var bytes = JsonRpcEncoder.Request(RequestId.FromString("s:2"), "ping", null);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":\"s:2\"}", Text(bytes));
    }

    [Fact]
    public void Batch_joins_replies_in_the_order_given()
    {
        var first = JsonRpcEncoder.Success(RequestId.FromString("slow"), new JValue(200));
        var second = JsonRpcEncoder.Success(RequestId.FromString("fast"), new JValue("pong"));
        var third = JsonRpcEncoder.Failure(RequestId.Null, JsonRpcError.InvalidRequest());

        var bytes = JsonRpcEncoder.Batch([first, second, third]);

        Assert.Equal(
            "[{\"jsonrpc\":\"2.0\",\"result\":200,\"id\":\"slow\"},{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":\"fast\"},"
            + "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"},\"id\":null}]",
            Text(bytes));
    }

    [Fact]
    public void Batch_of_one_reply_is_an_array_of_one()
    {
        var reply = JsonRpcEncoder.Success(RequestId.FromNumber(1), new JValue("pong"));

        var bytes = JsonRpcEncoder.Batch([reply]);

        Assert.Equal("[{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}]", Text(bytes));
    }

    [Fact]
    public void Batch_of_no_replies_is_an_empty_array()
    {
        var bytes = JsonRpcEncoder.Batch([]);

        Assert.Equal("[]", Text(bytes));
    }

    [Fact]
    public void Batch_keeps_multibyte_replies_intact()
    {
        var first = JsonRpcEncoder.Success(RequestId.FromNumber(1), new JValue("日本語😀"));
        var second = JsonRpcEncoder.Success(RequestId.FromNumber(2), new JValue("é"));

        var bytes = JsonRpcEncoder.Batch([first, second]);

        Assert.Equal([(byte)'[', .. first, (byte)',', .. second, (byte)']'], bytes);
    }

    [Fact]
    public void Encode_invalid_entry_is_invalid_request_with_its_reason_and_id()
    {
        var bytes = JsonRpcEncoder.Encode(new JsonRpcInvalid(RequestId.FromNumber(8), "'params' must be an array or an object"));

        Assert.Equal(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid Request\",\"data\":\"'params' must be an array or an object\"},\"id\":8}",
            Text(bytes));
    }

    [Fact]
    public void Encode_dispatches_each_message_kind_to_its_encoder()
    {
        var parameters = new JArray(1, 2);
        var id = RequestId.FromString("x");

        Assert.Equal(JsonRpcEncoder.Success(id, parameters), JsonRpcEncoder.Encode(new JsonRpcSuccess(id, parameters)));
        Assert.Equal(JsonRpcEncoder.Failure(id, JsonRpcError.InternalError), JsonRpcEncoder.Encode(new JsonRpcFailure(id, JsonRpcError.InternalError)));
        Assert.Equal(JsonRpcEncoder.Request(id, "m", parameters), JsonRpcEncoder.Encode(new JsonRpcRequest(id, "m", parameters)));
        Assert.Equal(JsonRpcEncoder.Notification("m", parameters), JsonRpcEncoder.Encode(new JsonRpcNotification("m", parameters)));
    }

    [Fact]
    public void Encode_returns_a_fresh_array_each_time()
    {
        var message = new JsonRpcNotification("demo", new JObject { ["n"] = 1 });

        var first = JsonRpcEncoder.Encode(message);
        var second = JsonRpcEncoder.Encode(message);

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Encode_of_a_parsed_request_reply_echoes_the_id_exactly()
    {
        var frame = JsonRpcParser.Parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":9007199254740993}"u8, 64, 100);
        var request = Assert.IsType<JsonRpcRequest>(Assert.IsType<ParsedFrame.Single>(frame).Message);

        var bytes = JsonRpcEncoder.Success(request.Id, new JValue("pong"));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":9007199254740993}", Text(bytes));
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
