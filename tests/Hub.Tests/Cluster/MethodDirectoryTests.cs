using Akka.Actor;
using Hub.Cluster;
using Hub.Tests.Auth;
using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>Each node's methods reach the others as typed values, so any name and rule arrives as it was registered.</summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class MethodDirectoryTests
{
    [Fact]
    public async Task Method_named_with_tab_comma_and_newline_is_listed_and_called_on_another_node_with_its_rule_and_timeout()
    {
        const string Name = "a\tb,c\nd";
        await using var cluster = await TestCluster.StartAsync(
            (node, hub) =>
            {
                if (node == 1)
                {
                    hub.AddMethod(Name, () => "served by B", TimeSpan.FromMilliseconds(1500)).RequirePermission("p,q:r");
                }
            },
            Tokens.Settings());
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.TryGetRemote(Name, out _)));
        await using var allowed = await AuthenticatedSocket.ConnectAsync(cluster.A.WebSocketUri, Tokens.For("alice", ["p,q:r"]));
        await using var other = await AuthenticatedSocket.ConnectAsync(cluster.A.WebSocketUri, Tokens.For("bob", ["p", "q:r"]));

        var listed = await allowed.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_methods\",\"id\":1}");
        var called = await allowed.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"a\\tb,c\\nd\",\"id\":2}");
        var hidden = await other.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"get_methods\",\"id\":1}");
        var refused = await other.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"a\\tb,c\\nd\",\"id\":2}");

        Assert.Contains(",\"a\\tb,c\\nd\",", listed, StringComparison.Ordinal);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"served by B\",\"id\":2}", called);
        Assert.DoesNotContain("a\\tb", hidden, StringComparison.Ordinal);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":2}", refused);
        Assert.True(cluster.A.Runtime.Methods.Directory.TryGetRemote(Name, out var target));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), target.Timeout);
        Assert.DoesNotContain("a", cluster.A.Runtime.Methods.Directory.Names);
        Assert.DoesNotContain("d", cluster.A.Runtime.Methods.Directory.Names);
    }

    [Fact]
    public async Task Directory_stops_routing_to_a_lost_node_before_its_loss_is_announced()
    {
        await using var cluster = await TestCluster.StartAsync((node, hub) =>
        {
            if (node == 2)
            {
                hub.AddMethod("only_on_c", () => "C");
            }
        });
        await Eventually.TrueAsync(() => Task.FromResult(cluster.A.Runtime.Methods.Directory.TryGetRemote("only_on_c", out _)));
        var runtime = cluster.A.Runtime;
        var announced = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Runs on the announcing thread, at the announcement: what a connection that subscribes just then, and reads
        // the directory after subscribing, would route to.
        var listener = new SynchronousListener(runtime.System, message =>
        {
            if (message is MethodRegistryActor.NodeLost)
            {
                announced.TrySetResult(runtime.Methods.Directory.TryGetRemote("only_on_c", out _));
            }
        });
        runtime.System.EventStream.Subscribe(listener, typeof(MethodRegistryActor.NodeLost));
        await cluster.StopAsync(cluster.C);

        Assert.False(await announced.Task.WaitAsync(Waits.Max), "the directory still routed to the lost node when its loss was announced");
    }

    /// <summary>An actor reference whose Tell runs <c>onMessage</c> at once, on the sender's thread.</summary>
    private sealed class SynchronousListener(ActorSystem system, Action<object> onMessage) : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(((ExtendedActorSystem)system).Provider.DefaultAddress) / "temp" / "synchronous-listener";

        public override IActorRefProvider Provider { get; } = ((ExtendedActorSystem)system).Provider;

        protected override void TellInternal(object message, IActorRef sender) => onMessage(message);
    }
}
