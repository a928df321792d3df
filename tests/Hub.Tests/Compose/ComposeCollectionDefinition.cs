namespace Hub.Tests.Compose;

/// <summary>
/// The compose tests share one running compose project (three hub containers and the balancer) and run alone:
/// containers restarting on a 2-core machine would slow every other test, and timing would suffer both ways.
/// </summary>
[CollectionDefinition(nameof(ComposeCollectionDefinition), DisableParallelization = true)]
public sealed class ComposeCollectionDefinition : ICollectionFixture<ComposeCluster>;
