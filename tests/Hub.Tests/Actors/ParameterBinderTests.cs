using System.Reflection;
using System.Text;
using Hub.Methods;
using Hub.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Actors;

/// <summary>
/// Strict binding of <c>params</c> (PROTOCOL.md section 4). Params are read with the engine's own JSON reader, so
/// numbers arrive as they do from a client (integers past a long as their digits).
/// </summary>
public sealed class ParameterBinderTests
{
    private static readonly HubCallContext Context = new("ws-test", user: Hub.Auth.HubUser.Anonymous, parameters: null, connection: null, new NoHub(), new NoClient(), TimeSpan.FromSeconds(1));

    [Fact]
    public void Positional_params_bind_in_order()
    {
        Assert.Equal([1, 2], Bind(nameof(Handlers.Add), "[1,2]"));
    }

    [Fact]
    public void Named_params_bind_by_name_in_any_order()
    {
        Assert.Equal([1, 2], Bind(nameof(Handlers.Add), """{"b":2,"a":1}"""));
    }

    [Fact]
    public void Missing_positional_parameter_with_a_default_takes_the_default()
    {
        Assert.Equal(["ann", "hello"], Bind(nameof(Handlers.Greet), """["ann"]"""));
    }

    [Fact]
    public void Missing_named_parameter_with_a_default_takes_the_default()
    {
        Assert.Equal(["ann", "hello"], Bind(nameof(Handlers.Greet), """{"name":"ann"}"""));
    }

    [Fact]
    public void Absent_params_take_every_default()
    {
        Assert.Equal([1, 2], Bind(nameof(Handlers.Defaults), null));
    }

    [Fact]
    public void Missing_parameter_without_a_default_is_refused_naming_it()
    {
        AssertRefused("missing parameter 'b'", nameof(Handlers.Add), "[1]");
    }

    [Fact]
    public void Absent_params_for_a_required_parameter_are_refused()
    {
        AssertRefused("missing parameter 'a'", nameof(Handlers.Add), null);
    }

    [Fact]
    public void Surplus_positional_value_is_refused()
    {
        AssertRefused("expected at most 2 parameters, got 3", nameof(Handlers.Add), "[1,2,3]");
    }

    [Fact]
    public void Unknown_named_member_is_refused_naming_it()
    {
        AssertRefused("unknown parameter 'c'", nameof(Handlers.Add), """{"a":1,"b":2,"c":3}""");
    }

    [Fact]
    public void Params_array_collects_the_surplus_positional_values()
    {
        var values = Bind(nameof(Handlers.Sum), "[1,2,3]");

        Assert.Equal(1, values[0]);
        Assert.Equal([2, 3], Assert.IsType<int[]>(values[1]));
    }

    [Fact]
    public void Params_array_is_empty_without_surplus_values()
    {
        Assert.Empty(Assert.IsType<int[]>(Bind(nameof(Handlers.Sum), "[1]")[1]));
    }

    [Fact]
    public void Params_array_binds_from_an_array_by_name()
    {
        Assert.Equal([2, 3], Assert.IsType<int[]>(Bind(nameof(Handlers.Sum), """{"first":1,"rest":[2,3]}""")[1]));
    }

    [Fact]
    public void Params_array_element_of_the_wrong_type_is_refused()
    {
        AssertRefused("parameter 'rest' must be an integer", nameof(Handlers.Sum), """[1,2,"3"]""");
    }

    [Fact]
    public void String_holding_digits_is_not_an_integer()
    {
        AssertRefused("parameter 'a' must be an integer", nameof(Handlers.Add), """["1",2]""");
    }

    [Fact]
    public void Boolean_is_not_a_number()
    {
        AssertRefused("parameter 'x' must be a number", nameof(Handlers.Scale), "[true]");
    }

    [Fact]
    public void Number_is_not_a_boolean()
    {
        AssertRefused("parameter 'on' must be a boolean", nameof(Handlers.Toggle), "[1]");
    }

    [Fact]
    public void Number_is_not_a_string()
    {
        AssertRefused("parameter 'name' must be a string", nameof(Handlers.Greet), "[1]");
    }

    [Fact]
    public void Fraction_is_not_an_integer()
    {
        AssertRefused("parameter 'a' must be an integer", nameof(Handlers.Add), "[2.5,1]");
    }

    [Fact]
    public void Fraction_with_a_zero_fractional_part_is_an_integer()
    {
        Assert.Equal([2, 1], Bind(nameof(Handlers.Add), "[2.0,1]"));
    }

    [Fact]
    public void Integer_is_a_number()
    {
        Assert.Equal([3.0], Bind(nameof(Handlers.Scale), "[3]"));
    }

    [Fact]
    public void Integer_past_the_parameters_range_is_refused()
    {
        AssertRefused("parameter 'a' must be an integer", nameof(Handlers.Add), "[3000000000,1]");
    }

    [Fact]
    public void Integer_past_a_long_is_refused_as_out_of_range()
    {
        AssertRefused("parameter 'n' is out of range", nameof(Handlers.Count), "[123456789012345678901234567890]");
    }

    [Fact]
    public void Integer_past_a_long_binds_to_a_double()
    {
        Assert.Equal([1.2345678901234568E+29], Bind(nameof(Handlers.Scale), "[123456789012345678901234567890]"));
    }

    [Fact]
    public void Integer_past_a_doubles_range_is_refused_as_out_of_range()
    {
        AssertRefused("parameter 'x' is out of range", nameof(Handlers.Scale), "[1" + new string('0', 400) + "]");
    }

    [Fact]
    public void Negative_integer_past_a_doubles_range_is_refused_as_out_of_range()
    {
        AssertRefused("parameter 'x' is out of range", nameof(Handlers.Scale), "[-1" + new string('0', 400) + "]");
    }

    [Theory]
    [InlineData("[1e300]")]
    [InlineData("[-1e39]")]
    [InlineData("[1000000000000000000000000000000000000000]")]
    public void Number_past_a_floats_range_is_refused_as_out_of_range(string json)
    {
        AssertRefused("parameter 'f' is out of range", nameof(Handlers.Narrow), json);
    }

    [Theory]
    [InlineData("[1e300]")]
    [InlineData("[100000000000000000000000000000]")]
    public void Number_past_a_decimals_range_is_refused_as_out_of_range(string json)
    {
        AssertRefused("parameter 'm' is out of range", nameof(Handlers.Money), json);
    }

    [Fact]
    public void Integer_past_a_doubles_range_is_refused_for_an_object_parameter()
    {
        AssertRefused("parameter 'value' is out of range", nameof(Handlers.Untyped), "[1" + new string('0', 400) + "]");
    }

    [Fact]
    public void Integer_past_a_doubles_range_in_an_array_is_refused()
    {
        var error = Assert.Throws<HubRpcException>(() => Bind(nameof(Handlers.Scales), "[[1,1" + new string('0', 400) + "]]"));

        Assert.Equal(-32602, error.Code);
    }

    [Fact]
    public void Integer_past_a_doubles_range_in_a_record_is_refused()
    {
        var error = Assert.Throws<HubRpcException>(() => Bind(nameof(Handlers.Measure), "[{\"Value\":1" + new string('0', 400) + "}]"));

        Assert.Equal(-32602, error.Code);
    }

    [Fact]
    public void Largest_finite_double_binds()
    {
        Assert.Equal([double.MaxValue], Bind(nameof(Handlers.Scale), "[1.7976931348623157e308]"));
    }

    [Fact]
    public void Null_is_refused_for_an_int()
    {
        AssertRefused("parameter 'a' must be an integer", nameof(Handlers.Add), "[null,1]");
    }

    [Fact]
    public void Null_binds_to_a_nullable_int()
    {
        Assert.Equal([null], Bind(nameof(Handlers.Maybe), "[null]"));
    }

    [Fact]
    public void Object_binds_to_a_record()
    {
        Assert.Equal([new Point(1, 2)], Bind(nameof(Handlers.Move), """[{"X":1,"Y":2}]"""));
    }

    [Fact]
    public void Array_is_not_a_record()
    {
        AssertRefused("parameter 'to' must be a point", nameof(Handlers.Move), "[[1,2]]");
    }

    [Fact]
    public void JToken_parameter_takes_any_value_as_sent()
    {
        var value = Bind(nameof(Handlers.Anything), """[{"a":[1,"x"]}]""")[0];

        Assert.True(JToken.DeepEquals(JToken.Parse("""{"a":[1,"x"]}"""), (JToken)value!));
    }

    [Fact]
    public void JToken_parameter_takes_an_integer_past_a_long()
    {
        var value = Bind(nameof(Handlers.Anything), "[123456789012345678901234567890]")[0];

        Assert.Equal("123456789012345678901234567890", Assert.IsAssignableFrom<JToken>(value).ToString(Formatting.None));
    }

    [Fact]
    public void CancellationToken_and_context_are_supplied_not_bound()
    {
        using var cancellation = new CancellationTokenSource();
        var binder = Binder(nameof(Handlers.WithContext));

        var values = binder.Bind(Context, Parse("[5]"), cancellation.Token);

        Assert.Same(Context, values[0]);
        Assert.Equal(5, values[1]);
        Assert.Equal(cancellation.Token, values[2]);
    }

    [Fact]
    public void Supplied_parameters_do_not_count_as_positions()
    {
        AssertRefused("expected at most 1 parameters, got 2", nameof(Handlers.WithContext), "[5,6]");
    }

    [Fact]
    public void Supplied_parameters_cannot_be_named()
    {
        AssertRefused("unknown parameter 'context'", nameof(Handlers.WithContext), """{"n":5,"context":{}}""");
    }

    [Theory]
    [InlineData("""[1,"x",null]""")]
    [InlineData("""{"any":"thing"}""")]
    public void RawParams_receives_params_as_sent(string json)
    {
        var parameters = Parse(json);

        var values = Binder(nameof(Handlers.Raw)).Bind(Context, parameters, CancellationToken.None);

        Assert.Same(Context, values[0]);
        Assert.Same(parameters, values[1]);
    }

    [Fact]
    public void RawParams_receives_null_when_params_are_absent()
    {
        Assert.Equal([Context, null], Bind(nameof(Handlers.Raw), null));
    }

    [Fact]
    public void Names_lists_the_parameters_bound_from_params()
    {
        Assert.Equal(["n"], Binder(nameof(Handlers.WithContext)).Names);
    }

    private static ParameterBinder Binder(string method) =>
        new(typeof(Handlers).GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.GetParameters(), JsonSerializer.Create(new HubBuilder().SerializerSettings));

    private static JToken? Parse(string? json) =>
        json is null ? null : JsonText.TryParse(Encoding.UTF8.GetBytes(json), 64, out _) ?? throw new ArgumentException("not JSON: " + json, nameof(json));

    private static object?[] Bind(string method, string? json) => Binder(method).Bind(Context, Parse(json), CancellationToken.None);

    private static void AssertRefused(string reason, string method, string? json)
    {
        var error = Assert.Throws<HubRpcException>(() => Bind(method, json));
        Assert.Equal(-32602, error.Code);
        Assert.Equal("Invalid params", error.Message);
        Assert.Equal(reason, (string?)error.ErrorData);
    }

    public sealed record Point(int X, int Y);

    public sealed record Sample(double Value);

    /// <summary>Signatures to bind; never called.</summary>
    private static class Handlers
    {
        public static int Add(int a, int b) => a + b;

        public static string Greet(string name, string greeting = "hello") => greeting + " " + name;

        public static int Defaults(int a = 1, int b = 2) => a + b;

        public static int Sum(int first, params int[] rest) => first + rest.Sum();

        public static double Scale(double x) => x;

        public static double Scales(double[] xs) => xs.Sum();

        public static float Narrow(float f) => f;

        public static decimal Money(decimal m) => m;

        public static object Untyped(object value) => value;

        public static double Measure(Sample sample) => sample.Value;

        public static bool Toggle(bool on) => !on;

        public static long Count(long n) => n;

        public static int? Maybe(int? n) => n;

        public static Point Move(Point to) => to;

        public static JToken Anything(JToken value) => value;

        public static int WithContext(HubCallContext context, int n, CancellationToken cancellationToken) => n;

        public static JToken? Raw(HubCallContext context, [RawParams] JToken? p) => p;
    }

    private sealed class NoHub : IHub
    {
        public Task NotifyAsync(string topic, object? data, bool retain = false, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    private sealed class NoClient : IClientCaller
    {
        public Task<JToken> CallAsync(Akka.Actor.IActorRef connection, string connectionId, string method, JToken? parameters, TimeSpan timeout, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Binding calls no client.");
    }
}
