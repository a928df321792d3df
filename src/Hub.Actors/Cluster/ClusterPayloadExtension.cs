using Akka.Actor;

namespace Hub.Cluster;

/// <summary>Makes <see cref="ClusterPayload"/> one per actor system, created on first use from its configuration.</summary>
internal sealed class ClusterPayloadExtension : ExtensionIdProvider<ClusterPayload>
{
    public override ClusterPayload CreateExtension(ExtendedActorSystem system) => ClusterPayload.Create(system);
}
