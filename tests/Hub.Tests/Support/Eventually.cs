namespace Hub.Tests.Support;

/// <summary>
/// For state with no signal to await (an actor count, say): checks a condition until it holds, bounded by
/// <see cref="Waits.Max"/>.
/// </summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string? because = null)
    {
        using var deadline = new CancellationTokenSource(Waits.Max);
        while (!await condition())
        {
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail("Condition did not hold within " + Waits.Max + (because is null ? string.Empty : ": " + because));
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
