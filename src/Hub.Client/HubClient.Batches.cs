using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// Batches: several calls and notifications in one frame.
public sealed partial class HubClient
{
    /// <summary>
    /// Starts a batch: add calls and notifications to it, then send them together in one frame with
    /// <see cref="HubBatch.SendAsync(CancellationToken)"/>. Each call has its own task, with its own result or error.
    /// </summary>
    /// <returns>An empty batch bound to this client.</returns>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <example>
    /// <code>
    /// var batch = client.CreateBatch();
    /// var sum = batch.Call&lt;int&gt;("add", [1, 2]);
    /// var pong = batch.Call&lt;string&gt;("ping");
    /// batch.Notify("update", [1, 2, 3]);
    /// await batch.SendAsync();
    /// Console.WriteLine($"{await sum} {await pong}");
    /// </code>
    /// </example>
    public HubBatch CreateBatch()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeStarted) != 0, this);
        return new HubBatch(this);
    }

    /// <summary>Sends a batch; <paramref name="timeout"/> <see langword="null"/> for the default.</summary>
    internal async Task SendBatchAsync(IReadOnlyList<HubBatch.Entry> entries, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var calls = entries.Where(entry => entry.Reply is not null).Select(entry => entry.Reply!).ToArray();
        long[] callIds;
        byte[] frame;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfUnusable();
            var ids = entries.Select(entry => entry.Reply is null ? (long?)null : Interlocked.Increment(ref _lastId)).ToArray();
            callIds = ids.OfType<long>().ToArray();
            frame = OutgoingMessages.Batch(entries.Select((entry, i) => (entry.Method, entry.Parameters, ids[i])));
        }
        catch (Exception e)
        {
            Fail(calls, e, cancellationToken);
            throw;
        }

        var limit = timeout ?? _defaultTimeout;
        using var deadline = limit == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(limit);
        using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked?.Token ?? cancellationToken;
        var sent = false;
        HubRpcException? refusal = null;
        try
        {
            while (!sent)
            {
                var connection = await GetConnectionAsync(token).ConfigureAwait(false);

                // Fresh sources for each attempt: a connection that ends before the frame leaves may fail them, and
                // the calls' own tasks must then stay open for the next connection.
                var replies = callIds.Select(_ => new TaskCompletionSource<JToken>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
                for (var i = 0; i < callIds.Length; i++)
                {
                    connection.Pending[callIds[i]] = replies[i];
                }

                // Before the send, so a refusal of the whole batch cannot come before the batch is known.
                var waiting = connection.Refusals.Add(entries.Count, callIds, replies);
                try
                {
                    sent = await connection.TrySendAsync(frame, token).ConfigureAwait(false);
                    if (sent)
                    {
                        connection.Refusals.Sent(waiting, Interlocked.Read(ref _lastId));
                        await AwaitRepliesAsync(replies, calls, token).ConfigureAwait(false);

                        // A batch of notifications only waits for nothing, so its refusal may come before or after
                        // this line: it is never reported (a notification gets no answer), only taken from the list.
                        refusal = callIds.Length > 0 ? waiting.Refusal : null;
                    }
                }
                finally
                {
                    // A reply that comes after this finds no pending call and is dropped. A batch sent but given up
                    // (timed out, cancelled) stays with the refusals: a refusal coming late must still find it.
                    foreach (var id in callIds)
                    {
                        connection.Pending.TryRemove(id, out _);
                    }

                    if (!sent)
                    {
                        connection.Refusals.Remove(waiting);
                    }
                }

                if (!sent)
                {
                    foreach (var reply in replies)
                    {
                        _ = reply.Task.Exception;
                    }

                    await connection.Completion.WaitAsync(token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            Fail(calls, e, cancellationToken);
            throw new OperationCanceledException("The batch was cancelled.", e, cancellationToken);
        }
        catch (OperationCanceledException e) when (deadline is { IsCancellationRequested: true })
        {
            var error = new TimeoutException(
                sent ? $"No reply within {limit}." : $"The batch could not be sent within {limit}.",
                e);
            Fail(calls, error, cancellationToken);
            if (!sent)
            {
                throw error;
            }
        }
        catch (Exception e)
        {
            Fail(calls, e, cancellationToken);
            throw;
        }

        // Refused as a whole (every call holds the error already): the batch as a whole failed, so SendAsync says so.
        if (refusal is not null)
        {
            throw refusal;
        }
    }

    /// <summary>Waits for every reply of a sent batch, passing each outcome on to its call as it comes.</summary>
    private static async Task AwaitRepliesAsync(TaskCompletionSource<JToken>[] replies, TaskCompletionSource<JToken>[] calls, CancellationToken cancellationToken)
    {
        var forwarded = replies.Select((reply, i) => ForwardAsync(reply.Task, calls[i])).ToArray();
        var all = Task.WhenAll(forwarded);
        try
        {
            await all.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (all.IsCompleted)
        {
            // Each call's outcome, error or not, is in its own task.
        }
    }

    private static async Task ForwardAsync(Task<JToken> reply, TaskCompletionSource<JToken> call)
    {
        try
        {
            call.TrySetResult(await reply.ConfigureAwait(false));
        }
        catch (Exception e)
        {
            call.TrySetException(e);
        }
    }

    private static void Fail(TaskCompletionSource<JToken>[] calls, Exception error, CancellationToken cancellationToken)
    {
        foreach (var call in calls)
        {
            if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                call.TrySetCanceled(cancellationToken);
            }
            else
            {
                call.TrySetException(error);
            }
        }
    }
}
