using System.Numerics;
using Hub.Protocol;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Protocol;

/// <summary>PROTOCOL.md section 2: the reply's id equals the request's id, strings and integers exactly.</summary>
public sealed class RequestIdTests
{
    [Fact]
    public void TryFrom_string_is_a_string_id()
    {
        var ok = RequestId.TryFrom(new JValue("abc"), out var id);

        Assert.True(ok);
        Assert.Equal(RequestId.FromString("abc"), id);
    }

    [Fact]
    public void TryFrom_integer_is_a_number_id_with_its_digits()
    {
        var ok = RequestId.TryFrom(new JValue(-7L), out var id);

        Assert.True(ok);
        Assert.Equal(RequestId.FromNumber(-7), id);
        Assert.Equal("-7", id.Text);
    }

    [Fact]
    public void TryFrom_big_integer_keeps_every_digit()
    {
        var big = BigInteger.Parse("-123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture);

        var ok = RequestId.TryFrom(new JValue(big), out var id);

        Assert.True(ok);
        Assert.Equal(new RequestId(RequestIdKind.Number, "-123456789012345678901234567890"), id);
    }

    [Fact]
    public void TryFrom_fraction_is_a_number_id_in_ecmascript_form()
    {
        var ok = RequestId.TryFrom(new JValue(1e21), out var id);

        Assert.True(ok);
        Assert.Equal(new RequestId(RequestIdKind.Number, "1e+21"), id);
    }

    [Fact]
    public void TryFrom_null_is_the_null_id()
    {
        var ok = RequestId.TryFrom(JValue.CreateNull(), out var id);

        Assert.True(ok);
        Assert.Equal(RequestId.Null, id);
    }

    [Fact]
    public void TryFrom_boolean_object_or_array_is_refused()
    {
        var tokens = new JToken[] { new JValue(true), new JValue(false), new JObject(), new JArray(1) };

        var results = tokens.Select(t => (Ok: RequestId.TryFrom(t, out var id), Id: id)).ToList();

        Assert.All(results, r => Assert.False(r.Ok));
        Assert.All(results, r => Assert.Equal(RequestId.Null, r.Id));
    }

    [Fact]
    public void String_and_number_ids_with_the_same_text_differ()
    {
        var text = RequestId.FromString("1");
        var number = RequestId.FromNumber(1);

        Assert.NotEqual(text, number);
        Assert.NotEqual(text, RequestId.Null);
        Assert.NotEqual(RequestId.FromString(""), RequestId.Null);
    }

    [Fact]
    public void ToToken_gives_back_the_json_value()
    {
        Assert.True(RequestId.TryFrom(new JValue(BigInteger.Pow(10, 30)), out var big));

        var tokens = new[] { RequestId.FromString("s:1").ToToken(), RequestId.FromNumber(42).ToToken(), big.ToToken(), RequestId.Null.ToToken() };

        Assert.Equal(JTokenType.String, tokens[0].Type);
        Assert.Equal("s:1", (string?)tokens[0]);
        Assert.Equal(42L, (long)tokens[1]);
        Assert.Equal(BigInteger.Pow(10, 30), ((JValue)tokens[2]).Value);
        Assert.Equal(JTokenType.Null, tokens[3].Type);
    }
}
