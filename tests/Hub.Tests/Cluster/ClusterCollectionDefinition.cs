namespace Hub.Tests.Cluster;

/// <summary>Cluster tests start three nodes each; running them one at a time keeps a 2-core machine responsive.</summary>
[CollectionDefinition(nameof(ClusterCollectionDefinition), DisableParallelization = true)]
public sealed class ClusterCollectionDefinition;
