using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Hub.Topics;

namespace Hub.Cluster;

/// <summary>
/// Publishes one topic's notifications from this node, in the order they are given: the one place that stamps a
/// publication and sends it to the cluster. Stamps grow with every publication (at least the clock's ticks, so a
/// later retained value also wins the last-writer-wins register on other nodes). A retained publication is stored
/// at a majority of nodes before it is sent, and the publications given after it wait until it is sent, so
/// the order stays the order given; a subscriber reading the retained value after a publication was sent
/// therefore reads that value or a newer one, and its router can drop what is older
/// (<see cref="TopicRouterActor"/>). Publications that do not retain go out at once when nothing waits. What it
/// sends is <paramref name="delivery"/>'s message for a frame and its stamp: the topics' own, which this module
/// carries without naming it.
/// </summary>
internal sealed class TopicPublisher(ActorSystem system, IActorRef mediator, string topic, Func<byte[], long, IClusterMessage> delivery, TimeSpan storeTimeout)
{
    private readonly Lock _lock = new();
    private readonly string _clusterTopic = PubSubBridge.ClusterTopic(topic);
    private Queue<Pending>? _waiting;
    private bool _storing;
    private long _lastStamp;

    /// <summary>This node's incarnation (its cluster uid), the origin of its publications.</summary>
    public static int Origin(ActorSystem system) => Akka.Cluster.Cluster.Get(system).SelfUniqueAddress.Uid;

    /// <summary>
    /// Sends <paramref name="frame"/> to the topic's subscribers on every node, after storing it as the retained
    /// value when <paramref name="retain"/> (or clearing that value, with <paramref name="clear"/>). Completes when
    /// it has been sent; fails, and sends nothing, when the retained value could not be stored.
    /// </summary>
    public Task PublishAsync(byte[] frame, bool retain, bool clear)
    {
        Pending store;
        lock (_lock)
        {
            if (_storing)
            {
                var waiting = new Pending(frame, retain, clear);
                (_waiting ??= new Queue<Pending>()).Enqueue(waiting);
                return waiting.Sent.Task;
            }

            if (!retain)
            {
                Send(frame, NextStamp());
                return Task.CompletedTask;
            }

            _storing = true;
            store = new Pending(frame, retain, clear) { Stamp = NextStamp() };
        }

        _ = StoreThenSendAsync(store);
        return store.Sent.Task;
    }

    private async Task StoreThenSendAsync(Pending? next)
    {
        while (next is { } publication)
        {
            Exception? failure = null;
            try
            {
                await RetainedValues.StoreAsync(system, topic, publication.Clear ? null : publication.Frame, publication.Stamp, storeTimeout).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            List<Pending> sent = [];
            lock (_lock)
            {
                if (failure is null)
                {
                    Send(publication.Frame, publication.Stamp);
                }

                // What waited behind it goes out in order, up to the next one to store.
                next = null;
                while (_waiting is not null && _waiting.TryDequeue(out var waiting))
                {
                    waiting.Stamp = NextStamp();
                    if (waiting.Retain)
                    {
                        next = waiting;
                        break;
                    }

                    Send(waiting.Frame, waiting.Stamp);
                    sent.Add(waiting);
                }

                _storing = next is not null;
            }

            if (failure is null)
            {
                publication.Sent.TrySetResult();
            }
            else
            {
                publication.Sent.TrySetException(failure);
            }

            foreach (var waiting in sent)
            {
                waiting.Sent.TrySetResult();
            }
        }
    }

    private long NextStamp() => _lastStamp = Math.Max(DateTime.UtcNow.Ticks, _lastStamp + 1);

    private void Send(byte[] frame, long stamp) =>
        mediator.Tell(new Publish(_clusterTopic, delivery(frame, stamp)));

    private sealed class Pending(byte[] frame, bool retain, bool clear)
    {
        public byte[] Frame { get; } = frame;

        public bool Retain { get; } = retain;

        public bool Clear { get; } = clear;

        public long Stamp { get; set; }

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
