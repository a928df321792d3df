namespace Hub.Methods;

/// <summary>
/// One method as a node publishes it to the others: its name exactly as registered, its own timeout (null for the
/// default), and the declared part of its access rule, which other nodes check before routing (custom tests run only
/// where it is served).
/// </summary>
internal sealed record RegisteredMethod(string Name, TimeSpan? Timeout, bool RequiresLogin, IReadOnlyList<string> Permissions)
{
    public bool Equals(RegisteredMethod? other) =>
        other is not null && Name == other.Name && Timeout == other.Timeout && RequiresLogin == other.RequiresLogin
        && Permissions.SequenceEqual(other.Permissions, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Name, Timeout, RequiresLogin, Permissions.Count);
}
