using System.Collections.Frozen;
using System.Security.Claims;
using Akka.Actor;
using Hub.Auth;
using Hub.Cluster;
using Hub.Connections;
using Hub.Diagnostics;
using Hub.Methods;
using Hub.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;

namespace Hub.Engine;

/// <summary>
/// The engine on one node, and its composition root: starts the actors that serve methods, topics and connections,
/// and gives each, through its <c>Props</c>, the few things it uses. Also what the host holds: opening connections,
/// draining, and <see cref="IHub"/> (publishing is <see cref="TopicNotifier"/>'s). One per <see cref="ActorSystem"/>.
/// </summary>
internal sealed class HubRuntime : IHub
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly TopicNotifier _notifier;
    private readonly IActorRef _mediator;
    private readonly IActorRef _connections;
    private readonly Lock _drainLock = new();
    private Task? _drain;
    private readonly NodeDrain _drainState = new();

    private HubRuntime(ActorSystem system, HubBuilder builder, HubSettings settings, IHubAuthenticator? authenticator, ILoggerFactory loggerFactory)
    {
        System = system;
        Settings = settings;
        Serializer = JsonSerializer.Create(builder.SerializerSettings);
        var topics = new TopicCatalog(builder.Topics);
        _mediator = PubSubBridge.Mediator(system);
        var payload = ClusterPayload.For(system);
        _notifier = new TopicNotifier(system, _mediator, topics.Names, Serializer, payload, AskTimeout);

        var services = new MethodServices(_notifier, new ClientCaller(payload), Serializer, new MethodReply(loggerFactory.CreateLogger<MethodReply>()), payload);
        var methods = new Dictionary<string, MethodTarget>(StringComparer.Ordinal);
        foreach (var definition in builder.BuildMethods(settings))
        {
            var run = definition.Handler is { } handler ? new DelegateMethod(handler, services, definition.Inline) : null;
            var props = run is not null
                ? DelegateMethodActor.Props(run, services, definition.Access)
                : MethodActorProducer.Props(definition.ActorProps!, services, definition.Access);
            var actor = system.ActorOf(props, MethodDirectory.ActorName(definition.Name));
            methods[definition.Name] = new MethodTarget(actor, definition.Timeout, definition.Access, definition.Sequential, run);
        }

        var directory = new MethodDirectoryHolder(MethodDirectory.Empty(methods.Keys));
        Methods = new MethodTable(methods.ToFrozenDictionary(StringComparer.Ordinal), directory);
        system.ActorOf(MethodRegistryActor.Props(directory, methods.ToDictionary(kv => kv.Key, kv => (kv.Value.Timeout, kv.Value.Access, kv.Value.Sequential))), "hub-registry");
        var topicManager = system.ActorOf(TopicManagerActor.Props(_mediator, settings.OutboundMaxMessages), "hub-topics");
        var connections = new ConnectionServices(settings, Methods, topics, topicManager, authenticator, payload, _drainState);
        _connections = system.ActorOf(ConnectionsActor.Props(connections), "hub-connections");
        HubMetrics.TrackCluster(system);
    }

    public ActorSystem System { get; }

    public HubSettings Settings { get; }

    public JsonSerializer Serializer { get; }

    /// <summary>True once <see cref="DrainAsync"/> has begun: the node takes no new connections or calls.</summary>
    public bool IsDraining => _drainState.IsDraining;

    /// <summary>This node's methods and, through the directory, the cluster's.</summary>
    public MethodTable Methods { get; }

    /// <summary>
    /// Starts the engine on <paramref name="system"/> (a cluster member); method failures are logged to
    /// <paramref name="loggerFactory"/> (none without one).
    /// </summary>
    public static HubRuntime Start(ActorSystem system, HubBuilder builder, HubSettings settings, IHubAuthenticator? authenticator = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return new HubRuntime(system, builder, settings, authenticator, loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>Creates the actor of a new connection.</summary>
    /// <exception cref="InvalidOperationException">The node is shutting down.</exception>
    public async Task<ConnectionsActor.Opened> OpenAsync(IConnectionTransport transport, ClaimsPrincipal? user, bool isHttp) =>
        await _connections.Ask<ConnectionsActor.Opened>(new ConnectionsActor.Open(transport, user, isHttp), AskTimeout).ConfigureAwait(false);

    /// <summary>The number of live connection actors, WebSocket and HTTP.</summary>
    public Task<int> CountConnectionsAsync() => _connections.Ask<int>(ConnectionsActor.GetCount.Instance, AskTimeout);

    /// <summary>
    /// Stops taking calls (<c>-32004</c>), lets in-flight calls finish until <see cref="HubSettings.ShutdownDeadline"/>,
    /// and closes every connection with 1001. Completes when all are closed, or a little after the deadline. Runs
    /// once: the host stopping and the cluster downing this node may both ask, and later calls get the first drain.
    /// </summary>
    public Task DrainAsync()
    {
        lock (_drainLock)
        {
            return _drain ??= DrainOnceAsync();
        }
    }

    private async Task DrainOnceAsync()
    {
        _drainState.Begin();
        try
        {
            await _connections.Ask<ConnectionsActor.Drained>(new ConnectionsActor.DrainAll(Settings.ShutdownDeadline), Settings.ShutdownDeadline + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            // Some sockets did not close in time; the actor system's shutdown stops their actors.
        }
    }

    public Task NotifyAsync(string topic, object? data, bool retain = false, CancellationToken cancellationToken = default) =>
        _notifier.NotifyAsync(topic, data, retain, cancellationToken);
}
