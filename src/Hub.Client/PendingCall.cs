using System.Diagnostics;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// A call waiting for its reply on one connection: the reply itself (its task), when it times out, and whether its
/// frame is still waiting for the connection's writer (so a connection that ends first lets it go on the next one).
/// </summary>
/// <remarks>
/// Continuations run asynchronously: a reply completes the call on the receive loop, and the caller's code (the user's
/// own, after the await) must never run there.
/// </remarks>
internal sealed class PendingCall : TaskCompletionSource<JToken>
{
    private readonly string _method;
    private readonly TimeSpan _timeout;
    private int _awaitingSend;

    /// <param name="id">The call's id on the wire.</param>
    /// <param name="method">For the timeout's message.</param>
    /// <param name="timeout">The call's timeout; <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="deadline">The <see cref="Stopwatch"/> timestamp past which the call times out (<see cref="long.MaxValue"/> for never).</param>
    public PendingCall(long id, string method, TimeSpan timeout, long deadline)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Id = id;
        _method = method;
        _timeout = timeout;
        Deadline = deadline;
    }

    public long Id { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp past which the call times out.</summary>
    public long Deadline { get; }

    /// <summary>Whether the frame was queued to the writer and has not been handed to the socket yet.</summary>
    public bool AwaitingSend => Volatile.Read(ref _awaitingSend) != 0;

    /// <summary>The <see cref="Stopwatch"/> timestamp <paramref name="timeout"/> from now; <see cref="long.MaxValue"/> for an infinite one.</summary>
    public static long DeadlineOf(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    public void MarkQueued() => Volatile.Write(ref _awaitingSend, 1);

    public void MarkSent() => Interlocked.Exchange(ref _awaitingSend, 0);

    /// <summary>Fails the call with the timeout's exception, unless it has completed.</summary>
    public void Expire() =>
        TrySetException(new TimeoutException($"The call to '{_method}' (id {Id}) got no reply within {_timeout}."));

    /// <summary>The connection ended before the frame left: nothing reached the server, so the call may go on another.</summary>
    public void NotSent() => TrySetException(CallNotSentException.Instance);
}
