using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// One handler registered for one topic; disposing it removes the handler (see
/// <see cref="HubClient.SubscribeAsync{T}(string, Func{T, Task}, CancellationToken)"/>). A stream's subscription also
/// has an end callback, told when the client stops or the topic cannot be subscribed again after a reconnect.
/// </summary>
internal sealed class TopicSubscription(HubClient client, string topic, Func<JToken?, Task> handler, Action<Exception?>? onEnd = null) : IAsyncDisposable
{
    private int _active = 1;

    public string Topic => topic;

    /// <summary>False once disposed or removed by <see cref="HubClient.UnsubscribeAsync"/>: the handler is not invoked again.</summary>
    public bool IsActive => Volatile.Read(ref _active) == 1;

    public Task InvokeAsync(JToken? data) => handler(data);

    /// <summary>Marks the subscription inactive; true for the one caller that did it.</summary>
    public bool Deactivate() => Interlocked.Exchange(ref _active, 0) == 1;

    /// <summary>No more data will come: <paramref name="error"/> says why (<see langword="null"/> for a quiet end).</summary>
    public void End(Exception? error) => onEnd?.Invoke(error);

    public async ValueTask DisposeAsync()
    {
        if (Deactivate())
        {
            await client.RemoveSubscriptionAsync(this).ConfigureAwait(false);
        }
    }
}
