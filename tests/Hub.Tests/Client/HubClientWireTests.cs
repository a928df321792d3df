using System.Globalization;
using System.Numerics;
using Hub.Tests.Support;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Client;

using Hub.Client;

/// <summary>
/// What the client writes and which of the server's messages it takes, pinned across the switch to Hub.Protocol's
/// reader and encoder (issue 14). Where the switch changes behaviour, the test's name and comment say so and why.
/// </summary>
public sealed class HubClientWireTests
{
    [Fact]
    public async Task Params_dates_follow_the_users_serializer_settings()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var options = new HubClientOptions { SerializerSettings = new JsonSerializerSettings { DateFormatString = "dd/MM/yyyy HH:mm" } };
        await using var client = await HubClient.ConnectAsync(server.Uri, options);
        var when = new DateTime(2026, 11, 24, 14, 57, 38, DateTimeKind.Utc);

        await client.NotifyAsync("dated", [when, new { at = new DateTimeOffset(when) }]).WaitAsync(Waits.Max);

        var request = await server.WaitForRequestAsync("dated");
        Assert.Equal("24/11/2026 14:57", (string?)request["params"]![0]);
        Assert.Equal("24/11/2026 14:57", (string?)request["params"]![1]!["at"]);
    }

    [Fact]
    public async Task Params_dates_in_Microsoft_format_and_by_default_in_ISO_form()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        var microsoft = new HubClientOptions { SerializerSettings = new JsonSerializerSettings { DateFormatHandling = DateFormatHandling.MicrosoftDateFormat } };
        await using var client = await HubClient.ConnectAsync(server.Uri, microsoft);
        await using var plain = await HubClient.ConnectAsync(server.Uri);
        var when = new DateTime(2026, 11, 24, 14, 57, 38, 123, DateTimeKind.Utc);

        await client.NotifyAsync("microsoft", [when]).WaitAsync(Waits.Max);
        await plain.NotifyByNameAsync("iso", new { when, guid = Guid.Empty, span = TimeSpan.FromMinutes(90) }).WaitAsync(Waits.Max);

        var milliseconds = new DateTimeOffset(when).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal("/Date(" + milliseconds + ")/", (string?)(await server.WaitForRequestAsync("microsoft"))["params"]![0]);
        var iso = (await server.WaitForRequestAsync("iso"))["params"]!;
        Assert.Equal("2026-11-24T14:57:38.123Z", (string?)iso["when"]);
        Assert.Equal("00000000-0000-0000-0000-000000000000", (string?)iso["guid"]);
        Assert.Equal("01:30:00", (string?)iso["span"]);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public async Task Params_holding_NaN_or_Infinity_fail_the_call_with_ArgumentException_and_send_nothing(double number)
    {
        // Before issue 14 the client sent NaN as the string "NaN" (a frame that says something else than the caller
        // meant). JSON has no such numbers: the call fails at once, as for any argument the protocol cannot carry.
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);

        await Assert.ThrowsAsync<ArgumentException>(() => client.CallAsync("echo", [number]).WaitAsync(Waits.Max));
        await Assert.ThrowsAsync<ArgumentException>(() => client.NotifyByNameAsync("echo", new { number }).WaitAsync(Waits.Max));
        await client.NotifyAsync("marker").WaitAsync(Waits.Max);

        await server.WaitForRequestAsync("marker");
        Assert.Equal(0, server.CountRequests("echo"));
    }

    [Fact]
    public async Task Params_JSON_cannot_hold_fail_in_a_batch_at_the_entry_and_for_a_lone_surrogate_at_the_call()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var batch = client.CreateBatch();

        Assert.Throws<ArgumentException>(() => { _ = batch.Call<int>("echo", [double.NaN]); });
        await Assert.ThrowsAsync<ArgumentException>(() => client.CallAsync("echo", ["a\ud800"]).WaitAsync(Waits.Max));
        await client.NotifyAsync("marker").WaitAsync(Waits.Max);

        await server.WaitForRequestAsync("marker");
        Assert.Equal(0, server.CountRequests("echo"));
    }

    [Fact]
    public async Task Server_call_whose_result_JSON_cannot_hold_is_answered_internal_error_and_reported()
    {
        // Before issue 14 the client answered NaN as the string "NaN"; the encoder refuses it, like the hub's replies.
        await using var server = await PlainJsonRpcServer.StartAsync();
        var reported = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await HubClient.ConnectAsync(server.Uri, new HubClientOptions { OnHandlerError = (_, e) => reported.TrySetResult(e) });
        client.On("measure", _ => double.NaN);

        var reply = await server.CallClientAsync("measure", null);

        Assert.Equal(-32603, (int?)reply["error"]?["code"]);
        Assert.IsType<ArgumentException>(await reported.Task.WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Params_numbers_are_written_in_the_protocols_output_form()
    {
        // Since issue 14 the client writes with the engine's encoder (PROTOCOL.md section 2): integers of any size
        // exactly, other numbers as ECMAScript writes a double (2.0 as 2, where Newtonsoft wrote 2.0).
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var big = BigInteger.Parse("123456789012345678901234567890", CultureInfo.InvariantCulture);

        await client.NotifyAsync("numbers", [long.MaxValue, big, 0.5, 1e21, 2.0]).WaitAsync(Waits.Max);

        var numbers = (await server.WaitForRequestAsync("numbers"))["params"]!;
        Assert.Equal(long.MaxValue, (long)numbers[0]!);
        Assert.Equal(big, numbers[1]!.ToObject<BigInteger>());
        Assert.Equal(0.5, (double)numbers[2]!);
        Assert.Equal(1e21, (double)numbers[3]!);
        Assert.Equal(JTokenType.Integer, numbers[4]!.Type);
        Assert.Equal(2, (long)numbers[4]!);
    }

    [Fact]
    public async Task Results_read_as_long_decimal_BigInteger_and_JToken_are_exact()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        const string digits = "123456789012345678901234567890";

        var asLong = (await client.CallAsync<long[]>("echo", [long.MinValue]).WaitAsync(Waits.Max))[0];
        var asBig = (await client.CallAsync<BigInteger[]>("echo", [BigInteger.Parse(digits, CultureInfo.InvariantCulture)]).WaitAsync(Waits.Max))[0];
        var asDecimal = (await client.CallAsync<decimal[]>("echo", [BigInteger.Parse("12345678901234567890123", CultureInfo.InvariantCulture)]).WaitAsync(Waits.Max))[0];
        var fraction = (await client.CallAsync<decimal[]>("echo", [0.1]).WaitAsync(Waits.Max))[0];
        var token = (await client.CallAsync("echo", [BigInteger.Parse(digits, CultureInfo.InvariantCulture)]).WaitAsync(Waits.Max))[0]!;

        Assert.Equal(long.MinValue, asLong);
        Assert.Equal(digits, asBig.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(12345678901234567890123m, asDecimal);
        Assert.Equal(0.1m, fraction);
        Assert.Equal(JTokenType.Integer, token.Type);
        Assert.Equal(digits, token.ToObject<BigInteger>().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(digits, token.ToString(Formatting.None));
    }

    /// <summary>
    /// Messages that do not answer the call, dropped: the call takes the valid reply sent after them. Before issue 14
    /// the client took the first six as the answer (reading with Newtonsoft, which takes NaN, comments and single
    /// quotes, and accepting any message with a matching id). Now it reads as strictly as the hub (PROTOCOL.md section
    /// 2), and as JSON-RPC 2.0 asks of a response: <c>"jsonrpc":"2.0"</c> and exactly one of result and error. The
    /// other three were dropped before too. ID stands for the call's id.
    /// </summary>
    [Theory]
    [InlineData("""{"result":"unversioned","id":ID}""")]
    [InlineData("""{"jsonrpc":"1.0","result":"wrong version","id":ID}""")]
    [InlineData("""{"jsonrpc":"2.0","result":NaN,"id":ID}""")]
    [InlineData("""{"jsonrpc":"2.0","result":'single quotes',"id":ID}""")]
    [InlineData("""{"jsonrpc":"2.0","result":1 /* comment */,"id":ID}""")]
    [InlineData("""{"jsonrpc":"2.0","id":ID}""")]
    [InlineData("""{"jsonrpc":"2.0","result":"string id","id":"ID"}""")]
    [InlineData("""{"jsonrpc":"2.0","result":"no such call","id":ID0}""")]
    [InlineData("""{"jsonrpc":"2.0","result":"null id","id":null}""")]
    public async Task Reply_that_does_not_answer_the_call_is_dropped(string reply)
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var (waiting, id) = await HangingCallAsync<JToken>(server, client);

        await server.SendRawAsync(reply.Replace("ID", id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        await server.SendRawAsync($$"""{"jsonrpc":"2.0","result":"kept","id":{{id}}}""");

        Assert.Equal("kept", (string?)await waiting.WaitAsync(Waits.Max));
    }

    [Fact]
    public async Task Error_reply_carries_its_code_message_and_data_exactly()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var (waiting, id) = await HangingCallAsync<JToken>(server, client);

        await server.SendRawAsync($$$"""{"jsonrpc":"2.0","error":{"code":-32050,"message":"No.","data":{"n":123456789012345678901234567890,"s":"x"}},"id":{{{id}}}}""");

        var error = await Assert.ThrowsAsync<HubRpcException>(() => waiting.WaitAsync(Waits.Max));
        Assert.Equal(-32050, error.Code);
        Assert.Equal("No.", error.Message);
        Assert.Equal("""{"n":123456789012345678901234567890,"s":"x"}""", error.ErrorData!.ToString(Formatting.None));
    }

    [Fact]
    public async Task Batch_reply_answers_each_call_and_skips_entries_that_are_not_replies()
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var first = client.CallAsync<int>("hang");
        var one = (long)(await server.WaitForRequestAsync("hang"))["id"]!;
        var second = client.CallAsync<int>("hang");
        await server.WaitForRequestsAsync("hang", 2);
        var two = one + 1; // the client numbers its calls in order

        await server.SendRawAsync($$"""[{"jsonrpc":"2.0","result":1,"id":{{one}}},[1],5,{"jsonrpc":"2.0","error":{"code":-32000,"message":"second"},"id":{{two}}}]""");

        Assert.Equal(1, await first.WaitAsync(Waits.Max));
        Assert.Equal("second", (await Assert.ThrowsAsync<HubRpcException>(() => second.WaitAsync(Waits.Max))).Message);
    }

    [Theory]
    [InlineData("\"s:1\"")]
    [InlineData("12345678901234567890123")]
    [InlineData("null")]
    public async Task Server_call_is_answered_with_its_id_exactly(string id)
    {
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        client.On("ask", _ => "answer");

        await server.SendRawAsync($$"""{"jsonrpc":"2.0","method":"ask","id":{{id}}}""");

        var reply = await server.WaitForMessageAsync(m => m.ContainsKey("result"));
        Assert.Equal(id, reply["id"]!.ToString(Formatting.None));
        Assert.Equal("answer", (string?)reply["result"]);
    }

    [Fact]
    public async Task Notification_without_jsonrpc_2_0_is_dropped()
    {
        // Before issue 14 the client delivered it; JSON-RPC 2.0 and the hub's reader require the version member.
        await using var server = await PlainJsonRpcServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri);
        var received = new List<string?>();
        var kept = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.SubscribeAsync<JObject>("news", data =>
        {
            lock (received)
            {
                received.Add((string?)data?["text"]);
            }

            if ((string?)data?["text"] == "kept")
            {
                kept.TrySetResult();
            }
        }).WaitAsync(Waits.Max);

        await server.SendRawAsync("""{"method":"news","params":{"text":"unversioned"}}""");
        await server.SendRawAsync("""{"jsonrpc":"2.0","method":"news","params":{"text":"kept"}}""");

        await kept.Task.WaitAsync(Waits.Max);
        lock (received)
        {
            Assert.Equal(["kept"], received);
        }
    }

    /// <summary>A call to <c>hang</c> (which the server never answers by itself) and its id, once the server has it.</summary>
    private static async Task<(Task<T> Call, long Id)> HangingCallAsync<T>(PlainJsonRpcServer server, HubClient client)
    {
        var call = client.CallAsync<T>("hang");
        var id = (long)(await server.WaitForRequestAsync("hang"))["id"]!;
        return (call, id);
    }
}
