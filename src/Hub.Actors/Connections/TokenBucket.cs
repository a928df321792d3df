using System.Diagnostics;

namespace Hub.Connections;

/// <summary>
/// A per-connection request rate limit: <c>rate</c> tokens a second, at most <c>burst</c> saved up. Used by one
/// actor only, so it needs no locking. A rate of 0 never limits.
/// </summary>
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
