using Akka.Actor;
using Hub.Topics;

namespace Hub.Connections;

/// <summary>
/// A connection's <see cref="ITopicSink"/>: topic routers deliver notifications through it straight into the
/// connection's <see cref="ConnectionWriter"/>, on the router's thread, so a delivery costs no mailbox hop. The
/// connection actor keeps it in step with its subscriptions: a topic is <em>pending</em> from the moment the
/// connection asks to subscribe until the subscription is effective and its retained value and reply are queued
/// (<see cref="Open"/>); frames that arrive meanwhile wait here, so none overtakes them. A topic is dropped
/// (<see cref="Close"/>) before the unsubscribe reply is queued, so no notification follows that reply. A frame
/// past the outbound limits tells the connection <see cref="SlowConsumer"/> and drops everything after it.
/// </summary>
internal sealed class SubscriberGate(ConnectionWriter writer, IActorRef connection, int maxPending) : ITopicSink
{
    private readonly Lock _lock = new();

    // Per topic: null when open, else the frames waiting for the topic to open.
    private readonly Dictionary<string, List<byte[]>?> _topics = new(StringComparer.Ordinal);
    private bool _overflowed;

    public void Deliver(TopicProtocol.Deliver deliver)
    {
        lock (_lock)
        {
            if (_overflowed || !_topics.TryGetValue(deliver.Topic, out var pending))
            {
                return;
            }

            if (pending is null)
            {
                Write(deliver.EncodedFrame);
            }
            else if (pending.Count < maxPending)
            {
                pending.Add(deliver.EncodedFrame);
            }
            else
            {
                Overflow();
            }
        }
    }

    /// <summary>The connection has asked the router for <paramref name="topic"/>: hold its frames until <see cref="Open"/>.</summary>
    public void Pend(string topic)
    {
        lock (_lock)
        {
            _topics[topic] = [];
        }
    }

    /// <summary>Writes the frames held for <paramref name="topic"/>, and from now on every frame as it comes; nothing if it was closed.</summary>
    public void Open(string topic)
    {
        lock (_lock)
        {
            if (!_topics.TryGetValue(topic, out var pending) || pending is null)
            {
                return;
            }

            _topics[topic] = null;
            foreach (var frame in pending)
            {
                if (_overflowed)
                {
                    break;
                }

                Write(frame);
            }
        }
    }

    /// <summary>No more frames of <paramref name="topic"/>, held or new.</summary>
    public void Close(string topic)
    {
        lock (_lock)
        {
            _topics.Remove(topic);
        }
    }

    private void Write(byte[] frame)
    {
        if (!writer.TryEnqueue(frame, inline: false))
        {
            Overflow();
        }
    }

    private void Overflow()
    {
        _overflowed = true;
        connection.Tell(SlowConsumer.Instance);
    }

    /// <summary>Told to the connection when a delivery would pass its outbound limits.</summary>
    public sealed class SlowConsumer
    {
        public static SlowConsumer Instance { get; } = new();

        private SlowConsumer()
        {
        }
    }
}
