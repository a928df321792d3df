namespace Hub.Bench.Load;

/// <summary>
/// What a scenario runs against: a name for the report, the dialect, one WebSocket endpoint per node, and the server
/// processes whose CPU and memory are read (empty when unknown).
/// </summary>
internal sealed record Target(string Name, WireDialect Dialect, IReadOnlyList<Uri> Endpoints, IReadOnlyList<int> ServerPids)
{
    public static Target Single(string name, WireDialect dialect, Uri endpoint, int? pid) =>
        new(name, dialect, [endpoint], pid is { } p ? [p] : []);
}
