namespace Hub.Tests.Compose;

/// <summary>What a node's /metrics says about the cluster and its connections.</summary>
/// <param name="Members">Up members, as this node sees them (<c>hub_cluster_members</c>).</param>
/// <param name="Unreachable">Members its failure detector marks unreachable.</param>
/// <param name="WebSockets">Open WebSocket connections on this node.</param>
public sealed record NodeMetrics(int Members, int Unreachable, int WebSockets);
