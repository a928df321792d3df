namespace Hub.Client;

/// <summary>
/// How a <see cref="HubClient"/> reconnects after its connection is lost: exponential backoff with jitter, a cap, and
/// an optional give-up. Set on <see cref="HubClientOptions.Reconnect"/>; read once, when the client is created.
/// </summary>
/// <remarks>
/// <para>
/// Attempt <c>n</c> (from 1) waits <c>min(MaxDelay, InitialDelay * Multiplier^(n-1))</c>, less a random part of up
/// to <see cref="Jitter"/> of it, so clients dropped together do not come back together. Two exceptions: after a
/// <c>1001</c> close (a node going away) the first attempt is made at once; and after a close for policy or protocol
/// reasons (<c>1002</c>, <c>1003</c>, <c>1007</c>, <c>1008</c>, <c>1009</c>, <c>1010</c>: a slow consumer, an expired
/// login, a message too big) the count goes on from the attempts before, instead of starting again at 1, until a
/// connection has stayed up for <see cref="MaxDelay"/>. A server that accepts the client and closes it again at once
/// therefore sees it no more than once per <see cref="MaxDelay"/>, and <see cref="MaxAttempts"/> ends it.
/// </para>
/// <para>Each attempt tries the next endpoint (<see cref="HubClientOptions.Endpoints"/>) in turn.</para>
/// </remarks>
/// <example>
/// <code>
/// var options = new HubClientOptions
/// {
///     Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(10), MaxAttempts = 20 },
/// };
/// </code>
/// </example>
public sealed class ReconnectPolicy
{
    private TimeSpan _initialDelay = TimeSpan.FromSeconds(1);
    private TimeSpan _maxDelay = TimeSpan.FromSeconds(30);
    private double _multiplier = 2;
    private double _jitter = 0.5;
    private int? _maxAttempts;
    private TimeSpan? _maxElapsed;

    /// <summary>A policy that never reconnects: when the connection ends, the client is done.</summary>
    public static ReconnectPolicy Disabled => new() { Enabled = false };

    /// <summary>
    /// <see langword="true"/> to reconnect automatically; <see langword="false"/> to stop for good when the connection
    /// ends (calls then fail with <see cref="HubConnectionException"/> and <see cref="HubClient.Closed"/> completes).
    /// Default <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The base delay before the first attempt. Default 1 second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than a day.</exception>
    public TimeSpan InitialDelay
    {
        get => _initialDelay;
        set => _initialDelay = value >= TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The delay must be from zero to one day.");
    }

    /// <summary>The longest delay between attempts, jitter included. Default 30 seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than a day.</exception>
    public TimeSpan MaxDelay
    {
        get => _maxDelay;
        set => _maxDelay = value >= TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The delay must be from zero to one day.");
    }

    /// <summary>What each further attempt multiplies the delay by. Default 2.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1, or not a finite number.</exception>
    public double Multiplier
    {
        get => _multiplier;
        set => _multiplier = double.IsFinite(value) && value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The multiplier must be at least 1.");
    }

    /// <summary>
    /// The fraction of each delay that is random: 0.5 waits between half the delay and all of it; 0 waits exactly the
    /// delay. Default 0.5.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not from 0 to 1.</exception>
    public double Jitter
    {
        get => _jitter;
        set => _jitter = value is >= 0 and <= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The jitter must be from 0 to 1.");
    }

    /// <summary>
    /// How many attempts in a row may fail before the client gives up (state
    /// <see cref="HubConnectionState.Disconnected"/>); <see langword="null"/> never gives up. Default <see langword="null"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? MaxAttempts
    {
        get => _maxAttempts;
        set => _maxAttempts = value is null or >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one attempt.");
    }

    /// <summary>
    /// How long the client may go on trying after the connection is lost before it gives up: no attempt is started
    /// that would begin later. <see langword="null"/> means no limit. Default <see langword="null"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan? MaxElapsed
    {
        get => _maxElapsed;
        set => _maxElapsed = value is null || value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The limit must be positive.");
    }

    /// <summary>The delay before attempt <paramref name="attempt"/>, jitter applied (a new random part on each call).</summary>
    /// <param name="attempt">The attempt's number, from 1.</param>
    /// <returns>A delay from <c>(1 - Jitter)</c> times the backoff to the backoff, never above <see cref="MaxDelay"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is less than 1.</exception>
    public TimeSpan GetDelay(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);

        // Grows in double space and is capped before it becomes a TimeSpan, so a large attempt cannot overflow.
        var backoff = Math.Min(_maxDelay.TotalMilliseconds, _initialDelay.TotalMilliseconds * Math.Pow(_multiplier, Math.Min(attempt - 1, 1_000)));

        // Not for security: spreading clients out needs no cryptographic randomness.
#pragma warning disable CA5394
        var random = Random.Shared.NextDouble();
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(backoff * (1 - (_jitter * random)));
    }

    internal ReconnectPolicy Clone() => (ReconnectPolicy)MemberwiseClone();
}
