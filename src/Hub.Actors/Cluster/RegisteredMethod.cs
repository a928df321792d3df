namespace Hub.Cluster;

/// <summary>
/// One method as a node publishes it to the others: its name exactly as registered, its own timeout (null for the
/// default), the declared part of its access rule, which other nodes check before routing, whether the rule has custom
/// tests (they run only where it is served), and whether one connection's calls run one at a time (sequential).
/// </summary>
internal sealed record RegisteredMethod(string Name, TimeSpan? Timeout, bool RequiresLogin, IReadOnlyList<string> Permissions, bool HasTests = false, bool Sequential = false)
{
    public bool Equals(RegisteredMethod? other) =>
        other is not null && Name == other.Name && Timeout == other.Timeout && RequiresLogin == other.RequiresLogin
        && Permissions.SequenceEqual(other.Permissions, StringComparer.Ordinal) && HasTests == other.HasTests && Sequential == other.Sequential;

    public override int GetHashCode() => HashCode.Combine(Name, Timeout, RequiresLogin, Permissions.Count);
}
