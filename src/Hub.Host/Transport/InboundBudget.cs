namespace Hub.Host.Transport;

/// <summary>
/// The node-wide count of bytes held in inbound messages (<c>Hub:MaxInboundBytes</c>), from the moment a transport
/// buffers them until their connection has parsed them (<see cref="Hub.Connections.InboundCredit"/> gives a message's
/// bytes back). Bytes are taken before they are buffered: a reader that gets none waits, reading nothing meanwhile, so
/// TCP slows its client down rather than the node's memory growing.
/// </summary>
/// <remarks>
/// A message's first buffer (<see cref="FirstBufferBytes"/>) may use the whole budget; anything larger only up to
/// <see cref="LargeLimit"/>, seven eighths of it. So when large messages have taken all they may, small calls still
/// go through, and a few thousand connections each starting a message cannot starve the large ones for good. Waiters
/// of each kind are served first come, first served; a small one never waits behind a large one. A waiter whose
/// cancellation token fires first leaves with <see cref="OperationCanceledException"/>: its message's time limit
/// is what breaks a stand-off of readers that each hold part of a message and wait for more.
/// <para>
/// The budget also keeps the segments (<see cref="SegmentBytes"/>) that messages are assembled in past their first
/// buffer: pinned arrays, made when none is idle and kept for reuse. Every segment in use is counted, so there are
/// never more than the budget's worth, idle or not, and a wave of large messages leaves no garbage for the GC: with
/// pooled arrays of growing sizes the process kept up to several times the budget (bench/RESULTS.md, trickle).
/// </para>
/// </remarks>
internal sealed class InboundBudget : IDisposable
{
    /// <summary>The buffer a message is first read into; taken from the whole budget, so small calls pass.</summary>
    public const int FirstBufferBytes = 4096;

    /// <summary>
    /// What Kestrel's socket transport may read ahead of a connection that is not being read (its reader waits for the
    /// budget, or for its connection to take the last messages): the socket's input pipe pauses there, 1 MiB by
    /// default. Outside the budget, so a node holds at most the budget plus this much per connection of inbound
    /// data. Not below 40 KiB: Kestrel's request line and headers (8 + 32 KiB) must fit.
    /// </summary>
    public const int TransportReadAheadBytes = 64 * 1024;

    /// <summary>The size of every segment after a message's first buffer: under the large-object heap's 85,000 bytes.</summary>
    public const int SegmentBytes = 16 * 1024;

    private readonly Lock _lock = new();
    private readonly Lock _segmentsLock = new();
    private readonly Stack<byte[]> _idleSegments = new();
    private readonly LinkedList<Waiter> _small = new();
    private readonly LinkedList<Waiter> _large = new();
    private long _held;
    private IDisposable? _metrics;

    public InboundBudget(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, FirstBufferBytes);
        Limit = limit;
        LargeLimit = limit - (limit / 8);
    }

    /// <summary>A node's budget, reported in <c>hub.inbound.bytes</c> and <c>hub.inbound.waiting</c> until disposed.</summary>
    public static InboundBudget Reported(long limit)
    {
        var budget = new InboundBudget(limit);
        budget._metrics = Hub.Diagnostics.HubMetrics.TrackInbound(() => budget.Held, () => budget.Waiting);
        return budget;
    }

    /// <summary>Bytes that may be held in all.</summary>
    public long Limit { get; }

    /// <summary>Bytes that may be held when a reader asks for more than a message's first buffer.</summary>
    public long LargeLimit { get; }

    /// <summary>Bytes held now.</summary>
    public long Held
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    /// <summary>Readers waiting for bytes now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _small.Count + _large.Count;
            }
        }
    }

    /// <summary>Stops reporting the budget in the metrics.</summary>
    public void Dispose() => _metrics?.Dispose();

    /// <summary>
    /// Takes <paramref name="bytes"/> when they fit now and nobody of their kind waits. <paramref name="first"/>: they
    /// are a message's first buffer, so up to <see cref="FirstBufferBytes"/> may use the whole budget.
    /// </summary>
    public bool TryAcquire(long bytes, bool first)
    {
        var small = IsSmall(bytes, first);
        lock (_lock)
        {
            if ((small ? _small : _large).Count > 0 || !Fits(bytes, small))
            {
                return false;
            }

            _held += bytes;
            return true;
        }
    }

    /// <summary>
    /// Takes <paramref name="bytes"/>, waiting for them in turn when they do not fit; fails with
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first (nothing taken).
    /// </summary>
    public async Task AcquireAsync(long bytes, bool first, CancellationToken cancellationToken)
    {
        var small = IsSmall(bytes, first);
        Waiter waiter;
        lock (_lock)
        {
            var queue = small ? _small : _large;
            if (queue.Count == 0 && Fits(bytes, small))
            {
                _held += bytes;
                return;
            }

            waiter = new Waiter(this, bytes, small);
            waiter.Node = queue.AddLast(waiter);
        }

        using (cancellationToken.UnsafeRegister(static state => ((Waiter)state!).Cancel(), waiter))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Gives back <paramref name="bytes"/> and lets in the waiters they make room for.</summary>
    public void Release(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        List<Waiter>? granted;
        lock (_lock)
        {
            _held -= bytes;
            granted = _small.Count + _large.Count == 0 ? null : GrantLocked();
        }

        Complete(granted);
    }

    /// <summary>Counts <paramref name="bytes"/> already taken without asking (a pool that rented more than was asked for).</summary>
    public void Add(long bytes)
    {
        lock (_lock)
        {
            _held += bytes;
        }
    }

    /// <summary>Segments made so far, in use or idle: at most the budget's worth.</summary>
    public int SegmentsMade { get; private set; }

    /// <summary>A segment of <see cref="SegmentBytes"/>, whose bytes the caller has taken from the budget.</summary>
    public byte[] RentSegment()
    {
        lock (_segmentsLock)
        {
            if (_idleSegments.TryPop(out var segment))
            {
                return segment;
            }

            SegmentsMade++;
        }

        // Pinned: never moved by a compaction, like Kestrel's own buffers; kept for the process's life.
        return GC.AllocateUninitializedArray<byte>(SegmentBytes, pinned: true);
    }

    /// <summary>Keeps <paramref name="segment"/> for the next message; the caller gives its bytes back to the budget.</summary>
    public void ReturnSegment(byte[] segment)
    {
        lock (_segmentsLock)
        {
            _idleSegments.Push(segment);
        }
    }

    private static bool IsSmall(long bytes, bool first) => first && bytes <= FirstBufferBytes;

    private bool Fits(long bytes, bool small) => _held + bytes <= (small ? Limit : LargeLimit);

    private List<Waiter>? GrantLocked()
    {
        List<Waiter>? granted = null;
        GrantLocked(_small, small: true, ref granted);
        GrantLocked(_large, small: false, ref granted);
        return granted;
    }

    private void GrantLocked(LinkedList<Waiter> queue, bool small, ref List<Waiter>? granted)
    {
        while (queue.First is { } first && Fits(first.Value.Bytes, small))
        {
            queue.RemoveFirst();
            first.Value.Node = null;
            _held += first.Value.Bytes;
            (granted ??= []).Add(first.Value);
        }
    }

    private static void Complete(List<Waiter>? granted)
    {
        if (granted is null)
        {
            return;
        }

        foreach (var waiter in granted)
        {
            waiter.Granted.TrySetResult();
        }
    }

    private sealed class Waiter(InboundBudget budget, long bytes, bool small)
    {
        public long Bytes { get; } = bytes;

        public LinkedListNode<Waiter>? Node { get; set; }

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Cancel()
        {
            List<Waiter>? granted;
            lock (budget._lock)
            {
                if (Node is null)
                {
                    return; // granted already: the bytes are the waiter's
                }

                (small ? budget._small : budget._large).Remove(Node);
                Node = null;

                // It may have been the head that held the others of its kind back.
                granted = budget.GrantLocked();
            }

            Granted.TrySetCanceled();
            Complete(granted);
        }
    }
}
