namespace Hub.Bench.Clients;

/// <summary>How many client connections, each shared by how many concurrent callers (each awaits its call before the next).</summary>
internal sealed record ClientShape(int Clients, int CallersPerClient)
{
    public string Name => $"{Clients} client(s) x {CallersPerClient} caller(s)";

    /// <summary>Parses <c>1x1,1x64,16x16</c>.</summary>
    public static IReadOnlyList<ClientShape> Parse(IEnumerable<string> shapes) =>
        [.. shapes.Select(shape => shape.Split('x', 2) is [var clients, var callers]
            ? new ClientShape(int.Parse(clients, System.Globalization.CultureInfo.InvariantCulture), int.Parse(callers, System.Globalization.CultureInfo.InvariantCulture))
            : throw new ArgumentException($"a shape is CLIENTSxCALLERS, not '{shape}'", nameof(shapes)))];
}
