namespace Hub.Bench.Load;

/// <summary>
/// N clients, spread over the target's nodes, each subscribed to <paramref name="Topic"/> and calling the demo methods
/// of <paramref name="Mix"/> at <paramref name="CallRate"/> calls/s with at most <paramref name="InFlight"/> unanswered;
/// the first <paramref name="Publishers"/> clients also publish at <paramref name="PublishRate"/>/s each, one publish at a
/// time, with sequence numbers. Runs <paramref name="DurationSeconds"/>, then drains for at most
/// <paramref name="DrainSeconds"/> (past the hub's 30 s method timeout, so a stuck call gets its -32001 rather than
/// counting as unanswered). Memory, threads and descriptors are sampled every <paramref name="SampleSeconds"/>.
/// </summary>
internal sealed record SoakOptions(
    int Clients = 60, double DurationSeconds = 600, double CallRate = 10, int InFlight = 8, int Publishers = 3, double PublishRate = 10,
    double SampleSeconds = 60, double DrainSeconds = 40, int PayloadBytes = 64, IReadOnlyList<(SoakMethod Method, int Weight)>? Mix = null,
    string Topic = "bench", double SubscribeTimeoutSeconds = 30, double SettleSeconds = 5)
{
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Clients, 1, nameof(Clients));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Publishers, Clients, nameof(Publishers));
        ArgumentOutOfRangeException.ThrowIfNegative(Publishers, nameof(Publishers));
        ArgumentOutOfRangeException.ThrowIfLessThan(InFlight, 1, nameof(InFlight));
        ArgumentOutOfRangeException.ThrowIfNegative(CallRate, nameof(CallRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DurationSeconds, nameof(DurationSeconds));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SampleSeconds, nameof(SampleSeconds));
        if (Publishers > 0)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PublishRate, nameof(PublishRate));
        }
    }
}
