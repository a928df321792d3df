using Akka.Actor;
using Hub.Methods;

namespace Hub.Tests.Actors;

/// <summary>What <see cref="HubBuilder"/> refuses at registration, or when the hub is built from it.</summary>
public sealed class HubBuilderTests
{
    [Theory]
    [InlineData("rpc.discover")]
    [InlineData("rpc.")]
    public void AddMethod_with_an_rpc_dot_name_is_refused(string name)
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddMethod(name, () => 1));
    }

    [Fact]
    public void RunInline_applies_only_to_delegate_and_object_methods()
    {
        Assert.Throws<InvalidOperationException>(() => new HubBuilder().RunInline());
        Assert.Throws<InvalidOperationException>(() => new HubBuilder().AddTopic("t").RunInline());
        Assert.Throws<InvalidOperationException>(() => new HubBuilder().AddMethod("m", () => 1).AddTopic("t").RunInline());
        Assert.Throws<InvalidOperationException>(() => new HubBuilder().AddMethodActor("a", Props.Empty).RunInline());

        var methods = new HubBuilder().AddMethod("m", () => 1).RunInline().AddMethod("n", () => 2).BuildMethods(new HubSettings());
        Assert.Equal([("m", true), ("n", false)], methods.Select(m => (m.Name, m.Inline)));
    }

    [Fact]
    public void Sequential_applies_to_the_methods_registered_just_before_it_of_any_kind()
    {
        Assert.Throws<InvalidOperationException>(() => new HubBuilder().Sequential());
        Assert.Throws<InvalidOperationException>(() => new HubBuilder().AddTopic("t").Sequential());

        var methods = new HubBuilder()
            .AddMethod("m", () => 1).Sequential()
            .AddMethod("n", () => 2)
            .AddMethodActor("a", Props.Empty).Sequential()
            .AddMethods(new OrderedService(), prefix: "s")
            .AddMethod("l", [Sequential] () => 3)
            .BuildMethods(new HubSettings());

        Assert.Equal(
            [("m", true), ("n", false), ("a", true), ("s.one", true), ("s.two", true), ("l", true)],
            methods.Select(m => (m.Name, m.Sequential)));
    }

    [Fact]
    public void AddMethod_with_a_name_merely_starting_with_rpc_is_accepted()
    {
        var builder = new HubBuilder();

        builder.AddMethod("rpcx", () => 1);

        Assert.Equal("rpcx", Assert.Single(builder.BuildMethods(new HubSettings())).Name);
    }

    [Theory]
    [InlineData("get_methods")]
    [InlineData("get_topics")]
    [InlineData("get_subscriptions")]
    [InlineData("subscribe")]
    [InlineData("unsubscribe")]
    [InlineData("login")]
    public void AddMethod_with_a_built_in_name_is_refused(string name)
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddMethod(name, () => 1));
    }

    [Theory]
    [InlineData("get_methods")]
    [InlineData("login")]
    [InlineData("rpc.discover")]
    public void Refusal_of_a_reserved_name_names_it(string name)
    {
        var builder = new HubBuilder();

        var error = Assert.Throws<ArgumentException>(() => builder.AddMethod(name, () => 1));

        Assert.Contains("'" + name + "'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMethodActor_named_login_is_refused()
    {
        var builder = new HubBuilder();

        var error = Assert.Throws<ArgumentException>(() => builder.AddMethodActor("login", Props.Empty));

        Assert.Contains("'login'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMethods_without_a_prefix_of_a_Login_method_is_refused()
    {
        var builder = new HubBuilder();

        var error = Assert.Throws<ArgumentException>(() => builder.AddMethods(new LoginService()));

        Assert.Contains("'login'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMethods_with_a_prefix_of_a_Login_method_is_accepted()
    {
        var builder = new HubBuilder().AddMethods(new LoginService(), prefix: "account");

        Assert.Equal("account.login", Assert.Single(builder.BuildMethods(new HubSettings())).Name);
    }

    [Fact]
    public void AddMethodActor_with_a_built_in_name_is_refused()
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddMethodActor("subscribe", Props.Empty));
    }

    [Fact]
    public void AddMethod_with_an_empty_name_is_refused()
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddMethod(string.Empty, () => 1));
    }

    [Fact]
    public void AddMethod_twice_with_one_name_is_refused()
    {
        var builder = new HubBuilder().AddMethod("ping", () => "pong");

        Assert.Throws<ArgumentException>(() => builder.AddMethod("ping", () => "pong"));
    }

    [Fact]
    public void AddMethodActor_with_the_name_of_a_delegate_method_is_refused()
    {
        var builder = new HubBuilder().AddMethod("counter", () => 1);

        Assert.Throws<ArgumentException>(() => builder.AddMethodActor("counter", Props.Empty));
    }

    [Fact]
    public void AddMethods_registers_public_methods_under_the_prefix_and_separator()
    {
        var builder = new HubBuilder().AddMethods(new MathService(), prefix: "math");

        var names = builder.BuildMethods(new HubSettings { MethodSeparator = "/" }).Select(d => d.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["math/add", "math/mul"], names);
    }

    [Fact]
    public void AddMethods_of_a_record_registers_its_own_methods_and_none_the_compiler_generated()
    {
        var builder = new HubBuilder().AddMethods(new PriceRecord("ACME", 10m), prefix: "p");

        var names = builder.BuildMethods(new HubSettings()).Select(d => d.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["p.with_tax"], names);
    }

    [Fact]
    public void AddMethods_leaves_out_overrides_of_object_and_disposers()
    {
        using var service = new DisposableService();
        var builder = new HubBuilder().AddMethods(service, prefix: "d");

        var names = builder.BuildMethods(new HubSettings()).Select(d => d.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["d.read"], names);
    }

    [Fact]
    public void AddMethods_of_a_type_with_overloads_is_refused()
    {
        var builder = new HubBuilder();

        var error = Assert.Throws<ArgumentException>(() => builder.AddMethods(new OverloadedService()));

        Assert.Contains("overloaded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMethods_without_a_prefix_clashing_with_a_method_is_refused()
    {
        var builder = new HubBuilder().AddMethod("add", () => 1);

        Assert.Throws<ArgumentException>(() => builder.AddMethods(new MathService()));
    }

    [Fact]
    public void AddMethods_without_a_prefix_of_a_built_in_name_is_refused()
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddMethods(new BuiltInClashService()));
    }

    [Fact]
    public void Prefixed_name_clashing_with_a_method_is_refused_when_the_hub_is_built()
    {
        var builder = new HubBuilder().AddMethod("math.add", () => 1).AddMethods(new MathService(), prefix: "math");

        Assert.Throws<ArgumentException>(() => builder.BuildMethods(new HubSettings()));
    }

    [Fact]
    public void Prefix_making_an_rpc_dot_name_is_refused_when_the_hub_is_built()
    {
        var builder = new HubBuilder().AddMethods(new MathService(), prefix: "rpc");

        Assert.Throws<ArgumentException>(() => builder.BuildMethods(new HubSettings()));
    }

    [Fact]
    public void RawParams_on_a_parameter_that_is_not_a_JToken_is_refused()
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddMethod("raw", ([RawParams] string p) => p));
    }

    [Fact]
    public void RawParams_beside_a_parameter_bound_from_params_is_refused()
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddMethod("raw", ([RawParams] Newtonsoft.Json.Linq.JToken? p, int n) => n));
    }

    [Fact]
    public void RawParams_beside_supplied_parameters_is_accepted()
    {
        var builder = new HubBuilder();

        builder.AddMethod("raw", (HubCallContext context, [RawParams] Newtonsoft.Json.Linq.JToken? p, CancellationToken cancellationToken) => p);

        Assert.Single(builder.BuildMethods(new HubSettings()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(256)]
    public void AddTopic_with_1_to_256_characters_is_accepted(int length)
    {
        var builder = new HubBuilder();

        builder.AddTopic(new string('t', length));

        Assert.Single(builder.Topics);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void AddTopic_with_a_name_of_0_or_over_256_characters_is_refused(int length)
    {
        var builder = new HubBuilder();

        Assert.Throws<ArgumentException>(() => builder.AddTopic(new string('t', length)));
    }

    [Fact]
    public void AddTopic_twice_with_one_name_is_refused()
    {
        var builder = new HubBuilder().AddTopic("prices");

        Assert.Throws<ArgumentException>(() => builder.AddTopic("prices"));
    }

    [Fact]
    public void Topics_differing_only_in_case_are_distinct()
    {
        var builder = new HubBuilder().AddTopic("prices");

        builder.AddTopic("Prices");

        Assert.Equal(2, builder.Topics.Count);
    }

    // Instance methods with a little state, as AddMethods registers instance methods only.
    private sealed class MathService(int offset = 0)
    {
        private readonly int _offset = offset;

        public int Add(int a, int b) => a + b + _offset;

        public int Mul(int a, int b) => (a * b) + _offset;
    }

    private sealed class OverloadedService(int offset = 0)
    {
        private readonly int _offset = offset;

        public int Add(int a, int b) => a + b + _offset;

        public double Add(double a, double b) => a + b + _offset;
    }

    private sealed record PriceRecord(string Symbol, decimal Price)
    {
        public decimal WithTax(decimal rate) => Price * (1 + rate);
    }

    private sealed class DisposableService : IDisposable, IAsyncDisposable
    {
        private bool _disposed;

        public int Read() => _disposed ? 0 : 1;

        public override string ToString() => "service";

        public override bool Equals(object? obj) => ReferenceEquals(this, obj);

        public override int GetHashCode() => 1;

        public void Dispose() => _disposed = true;

        public ValueTask DisposeAsync()
        {
            _disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class LoginService
    {
        private readonly string _user = "alice";

        public string Login(string password) => password.Length > 0 ? _user : string.Empty;
    }

    private sealed class BuiltInClashService
    {
        private readonly string[] _topics = [];

        public string[] subscribe() => _topics;
    }

    [Sequential]
    private sealed class OrderedService
    {
        private readonly int _base = 1;

        public int One() => _base;

        public int Two() => _base + 1;
    }
}
