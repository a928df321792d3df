namespace Hub;

/// <summary>The server side of Hub that application code uses: publishing to topics.</summary>
public interface IHub
{
    /// <summary>
    /// Publishes <paramref name="data"/> to every subscriber of <paramref name="topic"/> on every node, as the
    /// notification <c>{"jsonrpc":"2.0","method":TOPIC,"params":DATA}</c>. The notification is encoded once.
    /// Publications from this node to one topic go out in the order of the calls, whether they retain or not: a
    /// retained one is stored at a majority of nodes before it goes out, and the calls after it wait for it.
    /// </summary>
    /// <param name="topic">A declared topic.</param>
    /// <param name="data">An object or array (anything Newtonsoft.Json serializes to one), or null for no params.</param>
    /// <param name="retain">Also store the value as the topic's retained value, sent first to each new subscriber;
    /// null with retain clears it.</param>
    /// <param name="cancellationToken">Checked before anything is published; a publication once taken goes out
    /// whatever the token does later, so that the order holds.</param>
    /// <returns>Completes once the notification is handed to the cluster (after the retained value is stored).</returns>
    /// <exception cref="ArgumentException">The topic is not declared, or the data is not an object, an array or null.</exception>
    /// <exception cref="InvalidOperationException">The retained value could not be stored; nothing was published.</exception>
    /// <exception cref="HubPayloadTooLargeException">The notification is too large to cross between nodes; nothing was published.</exception>
    Task NotifyAsync(string topic, object? data, bool retain = false, CancellationToken cancellationToken = default);
}
