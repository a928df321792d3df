using Hub.Auth;
using Hub.Tests.Support;

namespace Hub.Tests.Auth;

/// <summary>Each kind of rule, on methods and on topics, for anonymous, logged-in, permitted and superuser callers.</summary>
public sealed class AccessRuleTests : IAsyncLifetime
{
    private TestHub _hub = null!;

    public static TheoryData<string, string, bool, bool, bool, bool> Methods() => new()
    {
        // method, why, anonymous, logged in, permitted ("reports"), superuser
        { "open", "no rule", true, true, true, true },
        { "fluent_login", "RequireLogin()", false, true, true, true },
        { "fluent_permission", "RequirePermission(\"reports\")", false, false, true, true },
        { "fluent_test", "Require(user => user.IsSuperuser)", false, false, false, true },
        { "attribute_login", "[LoginRequired]", false, true, true, true },
        { "attribute_permission", "[PermissionRequired(\"reports\")]", false, false, true, true },
        { "attribute_test", "[UserPassesTest(typeof(IsNamedRoot))]", false, false, false, true },
        { "service.guarded", "[LoginRequired] on the service class", false, true, true, true },
        { "service.guarded_more", "class [LoginRequired] + method [PermissionRequired]", false, false, true, true },
        { "counter", "[PermissionRequired] on a method actor", false, false, true, true },
        { "combined", "RequireLogin().RequirePermission().Require()", false, false, false, true },
    };

    public async Task InitializeAsync()
    {
        var settings = Tokens.Settings();
        settings["Hub:Demo"] = "false";
        _hub = await TestHub.StartAsync(settings, hub =>
        {
            hub.AddMethod("open", () => "ok");
            hub.AddMethod("fluent_login", () => "ok").RequireLogin();
            hub.AddMethod("fluent_permission", () => "ok").RequirePermission("reports");
            hub.AddMethod("fluent_test", () => "ok").Require(user => user.IsSuperuser);
            hub.AddMethod("attribute_login", [LoginRequired] () => "ok");
            hub.AddMethod("attribute_permission", [PermissionRequired("reports")] () => "ok");
            hub.AddMethod("attribute_test", [UserPassesTest(typeof(IsNamedRoot))] () => "ok");
            hub.AddMethods(new GuardedService(), prefix: "service");
            hub.AddMethodActor<ReportCounter>("counter");
            hub.AddMethod("combined", () => "ok").RequireLogin().RequirePermission("reports").Require(user => user.Name == "root");
            hub.AddTopic("public");
            hub.AddTopic("members").RequireLogin();
            hub.AddTopic("reports").RequirePermission("reports");
        });
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Method_is_listed_and_callable_exactly_for_the_callers_its_rule_allows(string method, string why, bool anonymous, bool loggedIn, bool permitted, bool superuser)
    {
        var callers = new (string? Token, bool Allowed)[]
        {
            (null, anonymous),
            (Tokens.For("user"), loggedIn),
            (Tokens.For("reporter", ["reports"]), permitted),
            (Tokens.For("root", superuser: true), superuser),
        };

        foreach (var (token, allowed) in callers)
        {
            await using var socket = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, token);
            var methods = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_methods\",\"id\":1}");
            var call = await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":2}");

            Assert.True(allowed == methods.Contains("\"" + method + "\"", StringComparison.Ordinal), $"{why}: listing for {token ?? "anonymous"}");
            Assert.True(allowed == !call.Contains("-32601", StringComparison.Ordinal), $"{why}: call for {token ?? "anonymous"} gave {call}");
        }
    }

    [Fact]
    public async Task Topics_are_visible_and_subscribable_by_their_rules()
    {
        await using var anonymous = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, null);
        await using var member = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("member"));
        await using var reporter = await AuthenticatedSocket.ConnectAsync(_hub.WebSocketUri, Tokens.For("reporter", ["reports"]));

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"public\"],\"id\":1}", await anonymous.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_topics\",\"id\":1}"));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"members\",\"public\"],\"id\":1}", await member.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_topics\",\"id\":1}"));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"members\",\"public\",\"reports\"],\"id\":1}", await reporter.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_topics\",\"id\":1}"));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":[\"members\"]},\"id\":2}", await anonymous.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"public\",\"members\"],\"id\":2}"));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\",\"data\":[\"reports\"]},\"id\":2}", await member.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"reports\"],\"id\":2}"));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":[\"reports\"],\"id\":2}", await reporter.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"subscribe\",\"params\":[\"reports\"],\"id\":2}"));
    }

    [Fact]
    public void Require_before_any_registration_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new HubBuilder().RequireLogin());
    }

    public sealed class IsNamedRoot : IUserTest
    {
        public bool Test(HubUser user) => user.Name == "root";
    }

    [LoginRequired]
    public sealed class GuardedService
    {
        private readonly string _answer = "ok";

        public string Guarded() => _answer;

        [PermissionRequired("reports")]
        public string GuardedMore() => _answer;
    }

    [PermissionRequired("reports")]
    public sealed class ReportCounter : Hub.Methods.MethodActor
    {
        private int _count;

        protected override Task<object?> OnCallAsync(Hub.Methods.MethodCall request) => Task.FromResult<object?>(++_count);
    }
}
