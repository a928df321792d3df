
namespace Hub.Cluster;

/// <summary>
/// The methods one node serves, sorted by name: its entry in the cluster's method registry (Akka.DistributedData),
/// written by <see cref="Serialization.HubMessageSerializer"/> like every message that crosses nodes, so names and permissions of
/// any characters arrive as they were registered.
/// </summary>
internal sealed record NodeMethods(IReadOnlyList<RegisteredMethod> Methods) : IClusterMessage
{
    public bool Equals(NodeMethods? other) => other is not null && Methods.SequenceEqual(other.Methods);

    public override int GetHashCode() => Methods.Count;
}
