using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// The batches sent on one connection that the server may still refuse as a whole. A batch longer than the server's
/// limit gets one <c>-32600</c> error with <c>"id": null</c>, and none of it runs (PROTOCOL.md section 3); that error
/// names no call, so it is matched here to a batch, whose calls all fail with it.
/// </summary>
/// <remarks>
/// <para>
/// Two properties of a refusal for length make the match safe. It is monotone: when a batch of n entries is refused,
/// so is every batch of n or more; so the longest batch still waiting is refused by the server whichever batch this
/// error was sent for, and a batch the server runs is never failed with it. And a server (Hub's connection actor)
/// reads a connection's frames in order and answers a refused one before it reads the next, so once a call sent after
/// a batch is answered, that batch's refusal would have come already: the batch no longer waits.
/// </para>
/// <para>
/// A batch leaves when one of its own calls is answered (it was accepted), when a call sent after it is answered,
/// when it takes a refusal, or when it was not sent after all. A batch of notifications only, or one whose calls timed
/// out or were cancelled, stays until then, so that a refusal coming for it is not taken by a batch the server runs.
/// </para>
/// </remarks>
internal sealed class BatchRefusals
{
    // Bounds the list when batches keep going out and no call is answered for a long time; the oldest batch is the
    // one least likely to be refused still.
    private const int MaxWaiting = 256;

    private readonly Lock _gate = new();
    private readonly List<Waiting> _waiting = [];

    /// <summary>Registers a batch of <paramref name="length"/> entries about to be sent.</summary>
    public Waiting Add(int length, long[] callIds, TaskCompletionSource<JToken>[] replies)
    {
        var batch = new Waiting(length, callIds, replies);
        lock (_gate)
        {
            if (_waiting.Count == MaxWaiting)
            {
                _waiting.RemoveAt(0);
            }

            _waiting.Add(batch);
        }

        return batch;
    }

    /// <summary>
    /// <paramref name="batch"/> is on the wire; <paramref name="lastId"/> is the client's last call id now, so any
    /// call with a higher id went out after it.
    /// </summary>
    public void Sent(Waiting batch, long lastId)
    {
        lock (_gate)
        {
            batch.LastIdAtSend = lastId;
        }
    }

    /// <summary><paramref name="batch"/> was not sent after all.</summary>
    public void Remove(Waiting batch)
    {
        lock (_gate)
        {
            _waiting.Remove(batch);
        }
    }

    /// <summary>A reply to call <paramref name="id"/> arrived, whether or not the call still waits for it.</summary>
    public void Answered(long id)
    {
        lock (_gate)
        {
            if (_waiting.Count > 0)
            {
                _waiting.RemoveAll(batch => id > batch.LastIdAtSend || Array.IndexOf(batch.CallIds, id) >= 0);
            }
        }
    }

    /// <summary>
    /// A lone <c>-32600</c> error with a null id arrived: fails every call of the longest batch waiting (the earliest
    /// of equals) with <paramref name="error"/>.
    /// </summary>
    /// <returns><see langword="false"/> when no batch waits.</returns>
    public bool TryRefuse(HubRpcException error)
    {
        Waiting? refused = null;
        lock (_gate)
        {
            foreach (var batch in _waiting)
            {
                if (refused is null || batch.Length > refused.Length)
                {
                    refused = batch;
                }
            }

            if (refused is null)
            {
                return false;
            }

            _waiting.Remove(refused);
            refused.Refusal = error;
        }

        // A call given up already (timed out, cancelled) keeps the outcome it has.
        foreach (var reply in refused.Replies)
        {
            reply.TrySetException(error);
        }

        return true;
    }

    /// <summary>One batch sent (or about to be) on the connection.</summary>
    internal sealed class Waiting(int length, long[] callIds, TaskCompletionSource<JToken>[] replies)
    {
        private HubRpcException? _refusal;

        /// <summary>How many entries, notifications included: the server's limit counts them all.</summary>
        public int Length { get; } = length;

        public long[] CallIds { get; } = callIds;

        public TaskCompletionSource<JToken>[] Replies { get; } = replies;

        /// <summary>The last call id at the time the batch was sent; until then, none is known to be later.</summary>
        public long LastIdAtSend { get; set; } = long.MaxValue;

        /// <summary>The error that refused the batch, once one did.</summary>
        public HubRpcException? Refusal
        {
            get => Volatile.Read(ref _refusal);
            set => Volatile.Write(ref _refusal, value);
        }
    }
}
