namespace Hub.Host.Configuration;

/// <summary>
/// Where this node listens for other nodes and whom it joins (<c>Hub:Cluster</c>; environment <c>HUB_HOSTNAME</c>,
/// <c>HUB_PORT</c>, <c>HUB_PUBLIC_HOSTNAME</c>, <c>HUB_SEEDS</c>), and whether it speaks TLS to them (<see cref="Tls"/>).
/// With no seeds the node forms a cluster of its own. The cluster port trusts what its peers say (a routed call
/// carries its user's claims): it must not be reachable by clients.
/// </summary>
public sealed class HubClusterOptions
{
    /// <summary>Address the cluster transport binds to. Default <c>127.0.0.1</c>.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Address other nodes use to reach this one (in containers, the service name). Default: none, and then <see cref="Hostname"/>.</summary>
    public string? PublicHostname { get; set; }

    /// <summary>Cluster transport port; 0 picks a free one (fine for a single node). Default 0.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Seed node addresses, <c>akka.tcp://hub@host:port</c>, comma-separated in <c>HUB_SEEDS</c> (with TLS on, read as
    /// <c>akka.ssl.tcp://</c>). Default: none (join self).
    /// </summary>
    public string[] Seeds { get; set; } = [];

    /// <summary>Cluster roles of this node. Default: none.</summary>
    public string[] Roles { get; set; } = [];

    /// <summary>TLS between nodes. Default: off.</summary>
    public HubClusterTlsOptions Tls { get; set; } = new();
}
