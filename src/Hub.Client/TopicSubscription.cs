using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// One handler or stream registered for one topic; disposing it removes it (see
/// <see cref="HubClient.SubscribeAsync{T}(string, Func{T, Task}, CancellationToken)"/>). A handler's notifications wait
/// in the client's dispatch queue, a bounded number of them (<see cref="HubClientOptions.HandlerQueueCapacity"/>); a
/// stream's go straight into the stream's own bounded buffer, so they never wait behind a handler. A stream also has
/// an end callback, told when the client stops or the topic cannot be subscribed again after a reconnect.
/// </summary>
internal sealed class TopicSubscription : IAsyncDisposable
{
    private readonly HubClient _client;
    private readonly Func<JToken?, Task>? _handler;
    private readonly Action<JToken?>? _arrived;
    private readonly Action<Exception?>? _onEnd;
    private int _active = 1;
    private int _queued;
    private int _overflowed;

    private TopicSubscription(HubClient client, string topic, Func<JToken?, Task>? handler, Action<JToken?>? arrived, Action<Exception?>? onEnd)
    {
        _client = client;
        Topic = topic;
        _handler = handler;
        _arrived = arrived;
        _onEnd = onEnd;
    }

    public string Topic { get; }

    /// <summary>False once disposed, removed by <see cref="HubClient.UnsubscribeAsync"/> or ended by an overflow: it is not called again.</summary>
    public bool IsActive => Volatile.Read(ref _active) == 1;

    /// <summary>True for a stream, whose data is handed over on arrival rather than queued for the dispatch loop.</summary>
    public bool IsStream => _arrived is not null;

    /// <summary>A handler, called on the client's dispatch loop with each notification's data.</summary>
    public static TopicSubscription ForHandler(HubClient client, string topic, Func<JToken?, Task> handler) =>
        new(client, topic, handler, arrived: null, onEnd: null);

    /// <summary>A stream: <paramref name="arrived"/> runs on the receive loop, so it must hand the data over without waiting.</summary>
    public static TopicSubscription ForStream(HubClient client, string topic, Action<JToken?> arrived, Action<Exception?> onEnd) =>
        new(client, topic, handler: null, arrived, onEnd);

    /// <summary>Hands a stream its data, on arrival.</summary>
    public void Arrive(JToken? data) => _arrived!(data);

    /// <summary>
    /// Takes a place in the dispatch queue for a handler; false when <paramref name="capacity"/> notifications wait for
    /// it already, or it has overflowed before.
    /// </summary>
    public bool TryQueue(int capacity)
    {
        if (Volatile.Read(ref _overflowed) == 1 || Volatile.Read(ref _queued) >= capacity)
        {
            return false;
        }

        Interlocked.Increment(ref _queued);
        return true;
    }

    /// <summary>Gives back a place in the dispatch queue: that notification is being handled (or skipped) now.</summary>
    public void Dequeue() => Interlocked.Decrement(ref _queued);

    /// <summary>Marks the handler as overflowed: it takes no more notifications. True for the one caller that did it.</summary>
    public bool Overflow() => Interlocked.Exchange(ref _overflowed, 1) == 0;

    public Task InvokeAsync(JToken? data) => _handler!(data);

    /// <summary>Marks the subscription inactive; true for the one caller that did it.</summary>
    public bool Deactivate() => Interlocked.Exchange(ref _active, 0) == 1;

    /// <summary>No more data will come: <paramref name="error"/> says why (<see langword="null"/> for a quiet end).</summary>
    public void End(Exception? error) => _onEnd?.Invoke(error);

    public async ValueTask DisposeAsync()
    {
        if (Deactivate())
        {
            await _client.RemoveSubscriptionAsync(this).ConfigureAwait(false);
        }
    }
}
