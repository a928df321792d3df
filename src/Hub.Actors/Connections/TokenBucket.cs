using System.Diagnostics;

namespace Hub.Connections;

/// <summary>
/// A per-connection request rate limit: <c>rate</c> tokens a second, at most <c>burst</c> saved up. Used by one
/// actor only, so it needs no locking. A rate of 0 never limits.
/// </summary>
/// <remarks>
/// Kept instead of <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c>, measured 2026-12-07 (bench/RESULTS.md,
/// "Per-connection rate limit"). Replenished by hand (<c>TryReplenish</c> before each take) it lets one call past the
/// burst once the bucket has sat full for a token's time (its clock stands still while full: 4 of 10 back-to-back
/// calls at rate 1, burst 3), at 188 ns a call against 78 and 240 B a connection against 48. Replenished by its own
/// timer it refills in steps and gives every connection a timer that fires while the connection is idle: 10,000 of
/// them at a 100 ms period took 40-60 ms of CPU a second.
/// </remarks>
internal sealed class TokenBucket
{
    private readonly double _rate;
    private readonly double _capacity;
    private double _tokens;
    private long _last;

    public TokenBucket(double ratePerSecond, int burst)
    {
        _rate = ratePerSecond;
        _capacity = burst > 0 ? burst : Math.Max(1, ratePerSecond);
        _tokens = _capacity;
        _last = Stopwatch.GetTimestamp();
    }

    public bool TryTake()
    {
        if (_rate <= 0)
        {
            return true;
        }

        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (Stopwatch.GetElapsedTime(_last, now).TotalSeconds * _rate));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
