using System.Collections.Concurrent;
using Akka.Actor;

namespace Hub.Connections;

/// <summary>
/// The only writer of one connection's transport: it sends, in order, the frames its connection actor queues. A
/// frame queued while nothing is being sent is sent at once on the caller's thread (a WebSocket send of a small
/// frame only copies into Kestrel's output pipe, so it rarely waits); frames queued meanwhile are sent by the
/// send in progress when it completes. It keeps the count of what is queued for the actor's slow-consumer limits
/// without a message per frame, and tells the actor only when it ends (<see cref="ConnectionProtocol.WriterStopped"/>).
/// Compared with a stream per connection, a frame costs no stage hop, no task and no message back.
/// </summary>
internal sealed class ConnectionWriter(IConnectionTransport transport, IActorRef owner, int maxMessages, long maxBytes)
{
    // Made with the first frame: an idle connection holds no queue (its first segment alone is about 800 B).
    private ConcurrentQueue<byte[]>? _frames;
    private int _messages;
    private long _bytes;
    private int _sending;
    private volatile bool _completed;
    private volatile bool _abandoned;
    private int _ended;

    /// <summary>Frames queued and not yet written (the one being written included).</summary>
    public int QueuedMessages => Volatile.Read(ref _messages);

    /// <summary>Bytes queued and not yet written.</summary>
    public long QueuedBytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Queues a frame, and sends it now when no send is in progress; false, with nothing queued, when the frame
    /// would take what is queued past the limits. Callers on several threads may queue at once (the connection
    /// and topic routers); the limits then hold within the few frames in between. After <see cref="Complete"/>
    /// frames are dropped. With <paramref name="inline"/> false the send starts on the thread pool instead of the
    /// caller's thread: a topic router queues to many writers in turn, and its one thread must not do every send.
    /// </summary>
    public bool TryEnqueue(byte[] frame, bool inline = true)
    {
        if (_completed)
        {
            return true;
        }

        if (QueuedMessages + 1 > maxMessages || QueuedBytes + frame.Length > maxBytes)
        {
            return false;
        }

        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, frame.Length);
        (Volatile.Read(ref _frames) ?? CreateQueue()).Enqueue(frame);
        TrySend(inline);
        return true;
    }

    /// <summary>Writes what is queued, then tells the owner <see cref="ConnectionProtocol.WriterStopped"/>.</summary>
    public void Complete()
    {
        _completed = true;
        TrySend();
    }

    /// <summary>Drops what is queued (a send in progress still finishes) and tells the owner nothing.</summary>
    public void Abandon()
    {
        _abandoned = true;
        _completed = true;
        Interlocked.Exchange(ref _ended, 1);
    }

    private void TrySend(bool inline = true)
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
            ThreadPool.UnsafeQueueUserWorkItem(static writer => _ = writer.SendQueuedAsync(), this, preferLocal: false);
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
            _abandoned = true;
            End(ex);
            return;
        }

        if (_completed && IsEmpty)
        {
            End(null);
        }
    }

    private bool IsEmpty => Volatile.Read(ref _frames) is not { IsEmpty: false };

    private ConcurrentQueue<byte[]> CreateQueue()
    {
        Interlocked.CompareExchange(ref _frames, new ConcurrentQueue<byte[]>(), null);
        return _frames;
    }

    private void End(Exception? failure)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            owner.Tell(new ConnectionProtocol.WriterStopped(failure));
        }
    }
}
