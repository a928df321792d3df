using System.Globalization;
using Hub.Protocol;
using Xunit;

namespace Hub.Tests.Protocol;

/// <summary>PROTOCOL.md section 2: every non-integer number is written as ECMAScript's Number.prototype.toString writes it.</summary>
public sealed class EcmaNumberTests
{
    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(3.0, "3")]
    [InlineData(100.0, "100")]
    [InlineData(-3.0, "-3")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    public void Format_integral_double_has_no_fraction(double value, string expected)
    {
        var text = EcmaNumber.Format(value);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Format_integral_double_below_1e21_is_written_as_plain_digits()
    {
        var value = 1.2345678901234568e20;

        var text = EcmaNumber.Format(value);

        Assert.Equal("123456789012345680000", text);
    }

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(1.5, "1.5")]
    [InlineData(0.25, "0.25")]
    [InlineData(123.456, "123.456")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(0.3333333333333333, "0.3333333333333333")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(-123.456, "-123.456")]
    public void Format_fraction_uses_shortest_digits_that_read_back(double value, string expected)
    {
        var text = EcmaNumber.Format(value);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Format_sum_of_point_one_and_point_two_keeps_all_seventeen_digits()
    {
        var value = 0.1 + 0.2;

        var text = EcmaNumber.Format(value);

        Assert.Equal("0.30000000000000004", text);
    }

    [Fact]
    public void Format_one_third_has_sixteen_digits()
    {
        var value = 1.0 / 3.0;

        var text = EcmaNumber.Format(value);

        Assert.Equal("0.3333333333333333", text);
    }

    [Theory]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e21, "1.5e+21")]
    [InlineData(-1e21, "-1e+21")]
    [InlineData(1e100, "1e+100")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(-1.7976931348623157e308, "-1.7976931348623157e+308")]
    public void Format_from_1e21_up_uses_a_signed_positive_exponent(double value, string expected)
    {
        var text = EcmaNumber.Format(value);

        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(1e-7, "1e-7")]
    [InlineData(-1e-7, "-1e-7")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(123e-20, "1.23e-18")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(2.2250738585072014e-308, "2.2250738585072014e-308")]
    public void Format_below_1e_minus_6_uses_a_negative_exponent(double value, string expected)
    {
        var text = EcmaNumber.Format(value);

        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(1e-6, "0.000001")]
    [InlineData(-1e-6, "-0.000001")]
    [InlineData(1.5e-6, "0.0000015")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.000123, "0.000123")]
    public void Format_from_1e_minus_6_up_uses_plain_decimals(double value, string expected)
    {
        var text = EcmaNumber.Format(value);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Format_zero_is_0()
    {
        var text = EcmaNumber.Format(0.0);

        Assert.Equal("0", text);
    }

    [Fact]
    public void Format_negative_zero_has_no_sign()
    {
        var negativeZero = -1.0 * 0.0;

        var text = EcmaNumber.Format(negativeZero);

        Assert.True(double.IsNegative(negativeZero));
        Assert.Equal("0", text);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Format_non_finite_value_throws(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EcmaNumber.Format(value));
    }

    [Fact]
    public void Format_of_random_doubles_reads_back_to_the_same_double()
    {
        var random = new Random(20261124);
        var failures = new List<string>();

        for (var i = 0; i < 20_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            var text = EcmaNumber.Format(value);
            if (double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) != value)
            {
                failures.Add(text);
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Format_of_random_doubles_never_uses_net_layout()
    {
        var random = new Random(1124);
        var offending = new List<string>();

        for (var i = 0; i < 20_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            var text = EcmaNumber.Format(value);

            // .NET writes "E+15" and "E-05"; ECMAScript writes a lowercase e, a sign, and no padding zeros.
            if (text.Contains('E', StringComparison.Ordinal) || text.Contains("e+0", StringComparison.Ordinal)
                || text.Contains("e-0", StringComparison.Ordinal) || text.EndsWith(".0", StringComparison.Ordinal))
            {
                offending.Add(text);
            }
        }

        Assert.Empty(offending);
    }

    [Theory]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(1.5e16, "15000000000000000")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(1234567890123456.7, "1234567890123456.8")]
    public void Format_large_doubles_below_1e21_never_use_an_exponent(double value, string expected)
    {
        var text = EcmaNumber.Format(value);

        Assert.Equal(expected, text);
    }
}
