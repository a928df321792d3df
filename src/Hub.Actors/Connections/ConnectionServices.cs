using Akka.Actor;
using Hub.Auth;
using Hub.Cluster;
using Hub.Methods;
using Hub.Topics;

namespace Hub.Connections;

/// <summary>
/// What a connection uses of its node, given to it through its <c>Props</c> by the engine: the settings, where calls
/// go (<see cref="Methods"/>), the declared topics and the actor that routes them (<see cref="TopicManager"/>), the
/// login's authenticator (null: no <c>login</c>), the size rule of what crosses nodes, and whether the node is stopping.
/// </summary>
internal sealed record ConnectionServices(
    HubSettings Settings,
    MethodTable Methods,
    TopicCatalog Topics,
    IActorRef TopicManager,
    IHubAuthenticator? Authenticator,
    ClusterPayload Payload,
    NodeDrain Drain);
