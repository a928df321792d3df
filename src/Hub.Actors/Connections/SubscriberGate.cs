using Akka.Actor;
using Hub.Topics;

namespace Hub.Connections;

/// <summary>
/// Where topic routers hand one connection's notifications: each subscription the connection makes is a
/// <see cref="Subscription"/> (an <see cref="ITopicSink"/> of its own), through which a router writes straight into
/// the connection's <see cref="ConnectionWriter"/>, on the router's thread, so a delivery costs no mailbox hop. The
/// router decides what a subscription receives and in which order; the gate only keeps that order behind the
/// connection's own frames: a subscription holds what arrives until the connection has queued its retained value
/// and reply (<see cref="Subscription.Open"/>), and drops everything once ended (<see cref="Subscription.Close"/>),
/// before the unsubscribe reply is queued. A subscription made again after an unsubscribe is a new one, so nothing
/// of the old one can follow the new one's retained value. A frame past the outbound limits tells the connection
/// <see cref="SlowConsumer"/> and drops everything after it.
/// </summary>
internal sealed class SubscriberGate(ConnectionWriter writer, IActorRef connection, int maxPending)
{
    private readonly Lock _lock = new();
    private readonly int _maxPending = maxPending;
    private bool _overflowed;

    /// <summary>A new subscription to <paramref name="topic"/>, holding its frames until <see cref="Subscription.Open"/>.</summary>
    public Subscription Subscribe(string topic) => new(this, topic);

    private void Write(byte[] frame)
    {
        if (!writer.TryEnqueue(frame, inline: false))
        {
            Overflow();
        }
    }

    private void Overflow()
    {
        if (!_overflowed)
        {
            _overflowed = true;
            connection.Tell(SlowConsumer.Instance);
        }
    }

    /// <summary>One subscription of the connection to one topic, from its subscribe call to its end.</summary>
    public sealed class Subscription(SubscriberGate gate, string topic) : ITopicSink
    {
        // The frames waiting for Open; null once open or closed.
        private List<byte[]>? _pending = [];
        private bool _closed;

        public string Topic { get; } = topic;

        /// <summary>True once <see cref="Open"/> ran: the subscription's reply is queued. Read and written by the connection only.</summary>
        public bool IsOpen { get; private set; }

        public void Deliver(TopicProtocol.Deliver deliver)
        {
            lock (gate._lock)
            {
                if (_closed || gate._overflowed)
                {
                    return;
                }

                if (_pending is null)
                {
                    gate.Write(deliver.EncodedFrame);
                }
                else if (_pending.Count < gate._maxPending)
                {
                    _pending.Add(deliver.EncodedFrame);
                }
                else
                {
                    gate.Overflow();
                }
            }
        }

        public void Overflow()
        {
            lock (gate._lock)
            {
                gate.Overflow();
            }
        }

        /// <summary>Writes the frames held, and from now on every frame as it comes; nothing once closed.</summary>
        public void Open()
        {
            IsOpen = true;
            lock (gate._lock)
            {
                if (_closed || _pending is null)
                {
                    return;
                }

                var pending = _pending;
                _pending = null;
                foreach (var frame in pending)
                {
                    if (gate._overflowed)
                    {
                        break;
                    }

                    gate.Write(frame);
                }
            }
        }

        /// <summary>No more frames, held or new.</summary>
        public void Close()
        {
            lock (gate._lock)
            {
                _closed = true;
                _pending = null;
            }
        }
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
