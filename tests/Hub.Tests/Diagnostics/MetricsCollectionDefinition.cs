namespace Hub.Tests.Diagnostics;

/// <summary>
/// The <c>Hub</c> meter is one per process, so every hub running in the test process counts into each exporter.
/// The metrics tests run alone, after the parallel ones, to see exactly the traffic they make.
/// </summary>
[CollectionDefinition(nameof(MetricsCollectionDefinition), DisableParallelization = true)]
public sealed class MetricsCollectionDefinition;
