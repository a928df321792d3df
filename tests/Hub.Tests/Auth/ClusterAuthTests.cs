using Hub.Tests.Cluster;
using Hub.Tests.Support;

namespace Hub.Tests.Auth;

/// <summary>The user travels with a call to the node that serves it, and that node checks the rule itself.</summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class ClusterAuthTests
{
    [Fact]
    public async Task Calls_routed_to_another_node_are_checked_there_with_the_callers_user()
    {
        await using var cluster = await TestCluster.StartAsync(
            (node, hub) =>
            {
                if (node == 2)
                {
                    hub.AddMethod("report_on_c", (HubCallContext call) => "report for " + call.User.Name).RequirePermission("reports");
                    hub.AddMethod("bob_on_c", (HubCallContext call) => "hello " + call.User.Name).Require(user => user.Name == "bob");
                }
            },
            Tokens.Settings());
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.Names.Contains("bob_on_c")));
        await using var alice = await AuthenticatedSocket.ConnectAsync(cluster.A.WebSocketUri, Tokens.For("alice"));
        await using var bob = await AuthenticatedSocket.ConnectAsync(cluster.A.WebSocketUri, Tokens.For("bob", ["reports"]));

        var aliceMethods = await alice.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_methods\",\"id\":1}");
        var aliceReport = await alice.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"report_on_c\",\"id\":2}");
        var aliceHello = await alice.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"bob_on_c\",\"id\":3}");
        var bobReport = await bob.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"report_on_c\",\"id\":2}");
        var bobHello = await bob.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"bob_on_c\",\"id\":3}");

        // The listing on A knows C's declared rules (login, permissions); C's custom test runs only on C, so A lists
        // no method that has one, rather than list it to callers who fail it (issue 12, item 11c).
        Assert.DoesNotContain("report_on_c", aliceMethods, StringComparison.Ordinal);
        Assert.DoesNotContain("bob_on_c", aliceMethods, StringComparison.Ordinal);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":2}", aliceReport);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":3}", aliceHello);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"report for bob\",\"id\":2}", bobReport);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"hello bob\",\"id\":3}", bobHello);
    }
}
