using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Hub.Connections;

namespace Hub.Bench.Micro;

/// <summary>
/// The per-connection call rate limit: the engine's <see cref="TokenBucket"/> against
/// <see cref="TokenBucketRateLimiter"/> used the two ways a connection actor could, replenished by hand before each
/// take (<c>AutoReplenishment = false</c>, <c>TryReplenish</c>) or by the limiter's own timer. One call admitted, one
/// refused (the bucket empty), and one connection's limiter made and dropped (its allocation is the per-connection
/// memory; the timer one's creation includes starting and disposing its timer).
/// </summary>
[MemoryDiagnoser]
public class RateLimitBenchmarks
{
    // A bucket that never runs dry, for the admitted case; one that is always empty, for the refused case.
    private readonly TokenBucket _bucketFull = new(1e9, 1_000_000_000);
    private readonly TokenBucket _bucketEmpty = new(1e-9, 1);
    private TokenBucketRateLimiter _manualFull = null!;
    private TokenBucketRateLimiter _manualEmpty = null!;
    private TokenBucketRateLimiter _timerFull = null!;

    [GlobalSetup]
    public void Setup()
    {
        _manualFull = Limiter(1_000_000_000, TimeSpan.FromSeconds(1), autoReplenishment: false);
        _manualEmpty = Limiter(1, TimeSpan.FromDays(1), autoReplenishment: false);
        _timerFull = Limiter(1_000_000_000, TimeSpan.FromSeconds(1), autoReplenishment: true);
        _bucketEmpty.TryTake();
        _manualEmpty.AttemptAcquire(1).Dispose();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _manualFull.Dispose();
        _manualEmpty.Dispose();
        _timerFull.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool TokenBucket_admit() => _bucketFull.TryTake();

    [Benchmark]
    public bool Limiter_manual_admit() => Take(_manualFull);

    [Benchmark]
    public bool Limiter_timer_admit()
    {
        using var lease = _timerFull.AttemptAcquire(1);
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool TokenBucket_refuse() => _bucketEmpty.TryTake();

    [Benchmark]
    public bool Limiter_manual_refuse() => Take(_manualEmpty);

    [Benchmark]
    public object TokenBucket_per_connection() => new TokenBucket(100, 0);

    [Benchmark]
    public object Limiter_manual_per_connection()
    {
        var limiter = Limiter(100, TimeSpan.FromSeconds(1), autoReplenishment: false);
        limiter.Dispose();
        return limiter;
    }

    [Benchmark]
    public object Limiter_timer_per_connection()
    {
        var limiter = Limiter(100, TimeSpan.FromSeconds(1), autoReplenishment: true);
        limiter.Dispose();
        return limiter;
    }

    private static bool Take(TokenBucketRateLimiter limiter)
    {
        limiter.TryReplenish();
        using var lease = limiter.AttemptAcquire(1);
        return lease.IsAcquired;
    }

    private static TokenBucketRateLimiter Limiter(int tokens, TimeSpan period, bool autoReplenishment) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = tokens,
        TokensPerPeriod = tokens,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = autoReplenishment,
    });
}
