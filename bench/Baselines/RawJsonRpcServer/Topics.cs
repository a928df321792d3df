using System.Collections.Concurrent;

namespace RawJsonRpcServer;

/// <summary>Topic name to its subscribers. Publishing encodes the notification once and offers the same bytes to each.</summary>
internal sealed class Topics
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<RpcConnection, byte>> _subscribers = new(StringComparer.Ordinal);

    public static bool Exists(string topic) => topic is "bench" or "demo";

    public void Subscribe(string topic, RpcConnection connection) =>
        _subscribers.GetOrAdd(topic, _ => new ConcurrentDictionary<RpcConnection, byte>())[connection] = 0;

    public void Unsubscribe(string topic, RpcConnection connection)
    {
        if (_subscribers.TryGetValue(topic, out var set))
        {
            set.TryRemove(connection, out _);
        }
    }

    public void Publish(string topic, byte[] notification)
    {
        if (!_subscribers.TryGetValue(topic, out var set))
        {
            return;
        }

        foreach (var subscriber in set.Keys)
        {
            subscriber.Notify(notification);
        }
    }
}
