namespace Hub.Client;

/// <summary>
/// Settings for one call, batch or notification, overriding the client's defaults for it alone: today its
/// <see cref="Timeout"/>. Immutable once made, so one instance may be kept and shared by any number of calls.
/// </summary>
/// <remarks>
/// <para>
/// Every call style takes the same object, one way each:
/// <list type="bullet">
/// <item><description><see cref="HubClient"/>'s call and notify methods: an overload with the options <b>first</b>,
/// before the method's name, such as <see cref="HubClient.CallAsync{T}(HubCallOptions, string, object?[], CancellationToken)"/>.
/// First, so no overload can take the options for a param or the params for options: everything after the name is
/// exactly as in the overload without options.</description></item>
/// <item><description>Batches: <see cref="HubBatch.SendAsync(HubCallOptions, CancellationToken)"/>, for all the
/// calls in the batch.</description></item>
/// <item><description><see cref="HubClient.Dynamic"/>: an argument of this type, anywhere in the call; like a
/// <see cref="CancellationToken"/> argument, it is not sent.</description></item>
/// <item><description>Typed proxies (<see cref="HubClient.CreateProxy{T}"/>): a parameter of this type on the
/// interface method, best declared <c>HubCallOptions? options = null</c> just before the token; it is not sent,
/// and <see langword="null"/> means the defaults.</description></item>
/// </list>
/// </para>
/// <para>
/// Why an options object and not a <see cref="TimeSpan"/> argument: in a dynamic or typed proxy call a
/// <see cref="TimeSpan"/> may well be a param of the remote method, and a params array
/// (<c>CallAsync("sleep", [TimeSpan.FromSeconds(1)])</c>) holds anything; a type of the client's own is never
/// mistaken for a param. Why not an attribute on interface methods: how long to wait is the caller's choice at each
/// call site (a user waiting, a background job), not a property of the remote method, and an attribute would serve
/// typed proxies alone.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var quick = new HubCallOptions { Timeout = TimeSpan.FromSeconds(2) };
///
/// var sum = await client.CallAsync&lt;int&gt;(quick, "add", [2, 3]);
/// await client.NotifyAsync(quick, "update", [1, 2, 3]);
/// await batch.SendAsync(quick);
/// JToken slept = await client.Dynamic.sleep(500, quick);                   // sends [500]
///
/// public interface ICalculator
/// {
///     Task&lt;double&gt; AddAsync(double a, double b, HubCallOptions? options = null, CancellationToken cancellationToken = default);
/// }
/// var total = await calculator.AddAsync(1, 2, quick);                      // sends [1,2]
/// </code>
/// </example>
public sealed class HubCallOptions
{
    /// <summary>No options: the calls without a <see cref="HubCallOptions"/> argument use this.</summary>
    internal static HubCallOptions None { get; } = new();

    private readonly TimeSpan? _timeout;

    /// <summary>
    /// How long the call waits for its reply (a batch: for all its replies; a notification: to be sent), including
    /// any wait for a reconnect, before it fails with <see cref="TimeoutException"/>. A reply that comes later is
    /// dropped quietly. Overrides <see cref="HubClientOptions.DefaultTimeout"/>; <see langword="null"/> uses it. Default
    /// <see langword="null"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits for ever (until the call is cancelled or
    /// the client stops).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative (other than
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>) or longer than <see cref="int.MaxValue"/>
    /// milliseconds.</exception>
    /// <example>
    /// <code>
    /// try
    /// {
    ///     var report = await client.CallAsync&lt;string&gt;(new HubCallOptions { Timeout = TimeSpan.FromSeconds(5) }, "build_report");
    /// }
    /// catch (TimeoutException)
    /// {
    ///     Console.WriteLine("No report within 5 s; the server may still be working on it.");
    /// }
    /// </code>
    /// </example>
    public TimeSpan? Timeout
    {
        get => _timeout;
        init => _timeout = value is { } timeout ? HubClientOptions.ValidTimeout(timeout) : null;
    }
}
