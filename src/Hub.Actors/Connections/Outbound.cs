using System.Collections.Concurrent;
using Akka.Actor;
using Hub.Topics;

namespace Hub.Connections;

/// <summary>
/// The one ordered outbound channel of a connection, and the only user of its transport: everything the client
/// receives (replies, topic deliveries, server-to-client calls) and the close go through it, and it alone decides
/// their order.
/// <list type="bullet">
/// <item>The connection's own frames go out in the order the connection sends them (<see cref="TrySend"/>).</item>
/// <item>Each subscription is a <see cref="Subscription"/> (an <see cref="ITopicSink"/>) through which the topic router
/// writes straight into this channel on its own thread, so a delivery costs no mailbox hop. A subscription holds
/// what arrives until the connection has sent its retained value and its reply (<see cref="Subscription.Open"/>),
/// and drops everything once ended (<see cref="Subscription.Close"/>), before the unsubscribe reply is sent. A
/// subscription made again after an unsubscribe is a new one, so nothing of the old one follows the new one's
/// retained value.</item>
/// <item>The close (<see cref="Close"/>) goes after every frame sent before it, and nothing after it.</item>
/// </list>
/// A frame that would take what is queued past the limits is refused: <see cref="TrySend"/> returns false, and a
/// delivery tells the owner <see cref="Overflowed"/>; from then on nothing more is written.
/// <para>
/// A frame sent while nothing is being written is written at once on the caller's thread (a WebSocket send of a
/// small frame only copies into Kestrel's output pipe, so it rarely waits); frames sent meanwhile are written by the
/// send in progress when it completes. Compared with a stream per connection, a frame costs no stage hop, no task
/// and no message back; the owner hears only of the end (<see cref="Ended"/>).
/// </para>
/// </summary>
internal sealed class Outbound(IConnectionTransport transport, IActorRef owner, int maxMessages, long maxBytes)
{
    private readonly int _maxMessages = maxMessages;

    private const int InternalError = 1011;

    // Subscriptions: a delivery, an open and a close of one connection's subscriptions do not interleave.
    private readonly Lock _lock = new();

    // Made with the first frame: an idle connection holds no queue (its first segment alone is about 800 B).
    private ConcurrentQueue<byte[]>? _frames;
    private int _messages;
    private long _bytes;
    private int _sending;

    // No frame is taken any more (a close was asked for, or the frames were abandoned); the queue is still written.
    private volatile bool _completed;

    // What is queued is dropped.
    private volatile bool _abandoned;
    private volatile bool _overflowed;

    // The close asked for by Close: made once the queue is written, by the one send loop that sets _closeStarted.
    private volatile CloseFrame? _close;
    private int _closeStarted;

    // 1 once the transport is closed, aborted, or ended by itself: it is closed at most once.
    private int _transportEnded;
    private int _ownerTold;

    /// <summary>Frames queued and not yet written (the one being written included).</summary>
    public int QueuedMessages => Volatile.Read(ref _messages);

    /// <summary>Bytes queued and not yet written.</summary>
    public long QueuedBytes => Interlocked.Read(ref _bytes);

    /// <summary>True once a close was asked for: nothing more is taken.</summary>
    public bool IsClosing => _completed;

    /// <summary>
    /// Queues one of the connection's own frames, after everything it sent before; false, with nothing queued, when
    /// the frame would take what is queued past the limits. Once closing, frames are dropped (and true is returned).
    /// </summary>
    public bool TrySend(byte[] frame) => TryEnqueue(frame, inline: true);

    /// <summary>
    /// Queues a frame from a thread other than the connection's (a method writing its reply directly), after what is
    /// queued; past the limits the owner is told <see cref="Overflowed"/>, as for a delivery.
    /// </summary>
    public void SendFromElsewhere(byte[] frame)
    {
        if (!TryEnqueue(frame, inline: true))
        {
            Overflow();
        }
    }

    /// <summary>A new subscription to <paramref name="topic"/>, holding its frames until <see cref="Subscription.Open"/>.</summary>
    public Subscription Subscribe(string topic) => new(this, topic);

    /// <summary>
    /// Writes what is queued, then closes the transport with <paramref name="code"/> and tells the owner
    /// <see cref="Ended"/>. Nothing sent after this goes out.
    /// </summary>
    public void Close(int code, string reason)
    {
        if (_completed)
        {
            return;
        }

        _close = new CloseFrame(code, reason);
        _completed = true;
        StartSending();
    }

    /// <summary>
    /// Drops what is queued and closes the transport now (a send in progress still finishes; the transport bounds
    /// a close frame that waits behind it). The owner is told nothing.
    /// </summary>
    public void CloseNow(int code, string reason)
    {
        Abandon();
        EndTransport(t => t.CloseAsync(code, reason));
    }

    /// <summary>The transport ended the socket itself (the client closed, or a frame limit): it is not closed again.</summary>
    public void TransportEnded() => Interlocked.Exchange(ref _transportEnded, 1);

    /// <summary>
    /// The owner stopped: drops what is queued; a transport not closed yet (a bug, or the actor system going down) is
    /// closed with 1011, so the client hears of it; then the transport learns it is done.
    /// </summary>
    public void Stop()
    {
        Abandon();
        EndTransport(t => t.CloseAsync(InternalError, "internal error"));
        transport.Stopped();
    }

    private void Abandon()
    {
        _abandoned = true;
        _completed = true;
        Interlocked.Exchange(ref _ownerTold, 1);
    }

    private void EndTransport(Func<IConnectionTransport, Task> end)
    {
        if (Interlocked.Exchange(ref _transportEnded, 1) == 0)
        {
            _ = end(transport);
        }
    }

    private bool TryEnqueue(byte[] frame, bool inline)
    {
        if (_completed)
        {
            return true;
        }

        // Once a frame was refused nothing more is taken: the client must not see what came after a frame it lost.
        if (_overflowed || QueuedMessages + 1 > _maxMessages || QueuedBytes + frame.Length > maxBytes)
        {
            return false;
        }

        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, frame.Length);
        (Volatile.Read(ref _frames) ?? CreateQueue()).Enqueue(frame);
        StartSending(inline);
        return true;
    }

    /// <summary>A delivery past the limits: the owner closes the connection; nothing more of any subscription is written.</summary>
    private void Overflow()
    {
        if (!_overflowed)
        {
            _overflowed = true;
            owner.Tell(Overflowed.Instance);
        }
    }

    /// <summary>
    /// Starts the send loop unless one runs. With <paramref name="inline"/> false it starts on the thread pool instead
    /// of the caller's thread: a topic router queues to many connections in turn, and its one thread must not do
    /// every send.
    /// </summary>
    private void StartSending(bool inline = true)
    {
        if (Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
        {
            return;
        }

        if (inline)
        {
            _ = SendQueuedAsync();
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static outbound => _ = outbound.SendQueuedAsync(), this, preferLocal: false);
        }
    }

    /// <summary>Runs while frames are queued; only one runs at a time (<see cref="_sending"/>).</summary>
    private async Task SendQueuedAsync()
    {
        try
        {
            while (true)
            {
                while (!_abandoned && Volatile.Read(ref _frames) is { } frames && frames.TryDequeue(out var frame))
                {
                    await transport.SendAsync(frame, CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Decrement(ref _messages);
                    Interlocked.Add(ref _bytes, -frame.Length);
                }

                Volatile.Write(ref _sending, 0);

                // A frame queued after the last TryDequeue, before _sending was cleared, found a send in progress:
                // send it here, unless another caller has started a send of its own since.
                if (_abandoned || IsEmpty || Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // The socket failed: nothing more can be written. A close asked for is still tried (it never throws).
            _abandoned = true;
            var close = _close;
            EndTransport(t =>
            {
                if (close is { } asked)
                {
                    return t.CloseAsync(asked.Code, asked.Reason);
                }

                t.Abort();
                return Task.CompletedTask;
            });
            TellOwner(ex);
            return;
        }

        if (_close is { } closing && IsEmpty && !_abandoned && Interlocked.Exchange(ref _closeStarted, 1) == 0)
        {
            if (Interlocked.Exchange(ref _transportEnded, 1) == 0)
            {
                await transport.CloseAsync(closing.Code, closing.Reason).ConfigureAwait(false);
            }

            TellOwner(null);
        }
    }

    private bool IsEmpty => Volatile.Read(ref _frames) is not { IsEmpty: false };

    private ConcurrentQueue<byte[]> CreateQueue()
    {
        Interlocked.CompareExchange(ref _frames, new ConcurrentQueue<byte[]>(), null);
        return _frames;
    }

    private void TellOwner(Exception? failure)
    {
        if (Interlocked.Exchange(ref _ownerTold, 1) == 0)
        {
            owner.Tell(new Ended(failure));
        }
    }

    /// <summary>One subscription of the connection to one topic, from its subscribe call to its end.</summary>
    public sealed class Subscription(Outbound outbound, string topic) : ITopicSink
    {
        // The frames waiting for Open; null once open or closed.
        private List<byte[]>? _held = [];
        private bool _closed;

        public string Topic { get; } = topic;

        public void Deliver(TopicProtocol.Deliver deliver)
        {
            lock (outbound._lock)
            {
                if (_closed || outbound._overflowed)
                {
                    return;
                }

                if (_held is null)
                {
                    Write(deliver.EncodedFrame);
                }
                else if (_held.Count < outbound._maxMessages)
                {
                    _held.Add(deliver.EncodedFrame);
                }
                else
                {
                    outbound.Overflow();
                }
            }
        }

        public void Overflow()
        {
            lock (outbound._lock)
            {
                outbound.Overflow();
            }
        }

        /// <summary>Writes the frames held, and from now on every frame as it comes; nothing once closed.</summary>
        public void Open()
        {
            lock (outbound._lock)
            {
                if (_closed || _held is null)
                {
                    return;
                }

                var held = _held;
                _held = null;
                foreach (var frame in held)
                {
                    if (outbound._overflowed)
                    {
                        break;
                    }

                    Write(frame);
                }
            }
        }

        /// <summary>No more frames, held or new.</summary>
        public void Close()
        {
            lock (outbound._lock)
            {
                _closed = true;
                _held = null;
            }
        }

        private void Write(byte[] frame)
        {
            if (!outbound.TryEnqueue(frame, inline: false))
            {
                outbound.Overflow();
            }
        }
    }

    private sealed record CloseFrame(int Code, string Reason);

    /// <summary>Told to the owner when a delivery would pass the outbound limits.</summary>
    public sealed class Overflowed
    {
        public static Overflowed Instance { get; } = new();

        private Overflowed()
        {
        }
    }

    /// <summary>
    /// Told to the owner once: the close asked for is made (<see cref="Failure"/> null), or writing failed and the
    /// transport was dropped.
    /// </summary>
    public sealed record Ended(Exception? Failure);
}
