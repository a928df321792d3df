namespace Hub.Bench.Load;

/// <summary>Opens many connections at once, spread over a target's endpoints in turn.</summary>
internal static class Connections
{
    public const int Parallelism = 16;

    /// <summary>
    /// Opens <paramref name="count"/> connections (connection i on endpoint i mod endpoints) and runs
    /// <paramref name="setup"/> on each; on any failure closes those opened and throws.
    /// </summary>
    public static async Task<BenchConnection[]> OpenAsync(
        Target target, int count, Func<BenchConnection, CancellationToken, Task>? setup, CancellationToken cancellationToken)
    {
        var opened = new BenchConnection[count];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, count),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    var node = i % target.Endpoints.Count;
                    var connection = await BenchConnection.ConnectAsync(target.Endpoints[node], target.Dialect, node, token);
                    opened[i] = connection;
                    if (setup is not null)
                    {
                        await setup(connection, token);
                    }
                });
            return opened;
        }
        catch
        {
            await CloseAllAsync(opened.Where(c => c is not null));
            throw;
        }
    }

    /// <summary>Closes every connection, at most <see cref="Parallelism"/> at a time, each bounded.</summary>
    public static Task CloseAllAsync(IEnumerable<BenchConnection> connections) =>
        Parallel.ForEachAsync(
            connections,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism * 4 },
            async (connection, _) => await connection.CloseAsync());

    /// <summary>Collects what a set of tasks produced, ignoring any that did not finish within <paramref name="wait"/>.</summary>
    public static async Task<bool> WaitAllAsync(IEnumerable<Task> tasks, TimeSpan wait)
    {
        var all = Task.WhenAll(tasks);
        var finished = await Task.WhenAny(all, Task.Delay(wait)) == all;
        if (finished)
        {
            await all;
        }

        return finished;
    }
}
