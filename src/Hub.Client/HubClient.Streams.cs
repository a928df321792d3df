using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// Topic subscriptions read as asynchronous streams, with a bounded buffer.
public sealed partial class HubClient
{
    /// <summary>
    /// Subscribes to <paramref name="topic"/> and yields each notification's data, converted to
    /// <typeparamref name="T"/>, until the enumeration stops.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Nothing happens until the enumeration starts: the first <c>MoveNextAsync</c> subscribes (sharing the server
    /// subscription with any other handler of the topic), so the topic's retained value, if any, comes first. Ending
    /// the enumeration (leaving the <c>await foreach</c>, cancelling <paramref name="cancellationToken"/>) removes the
    /// subscription. The stream survives reconnects like any subscription.
    /// </para>
    /// <para>
    /// Slow consumers: notifications wait in a buffer of <see cref="HubClientOptions.StreamBufferCapacity"/> items
    /// (1000 by default). When one arrives while the buffer is full, the stream ends: the consumer still gets every
    /// item buffered, in order, and then <see cref="HubSubscriptionOverflowException"/>; the subscription is released
    /// at once. Nothing is skipped silently, and other subscriptions and calls are not held up. To carry on,
    /// subscribe again (and read the topic's retained value, if it has one, to catch up). Notifications enter the
    /// buffer as they arrive, so a slow <see cref="SubscribeAsync{T}(string, Func{T, Task}, CancellationToken)"/>
    /// handler does not hold a stream up.
    /// </para>
    /// <para>
    /// The stream also ends when the client stops for good: quietly after <see cref="DisposeAsync"/>, with
    /// <see cref="HubConnectionException"/> when the connection ended and no reconnect follows; and with
    /// <see cref="HubRpcException"/> when the topic cannot be subscribed again after a reconnect. Data that does not
    /// convert to <typeparamref name="T"/> is skipped and reported to <see cref="HubClientOptions.OnHandlerError"/>.
    /// </para>
    /// </remarks>
    /// <typeparam name="T">The data's type: a class, a <see cref="JObject"/>, a <see cref="JToken"/>, ...</typeparam>
    /// <param name="topic">The topic's name.</param>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/> and removes
    /// the subscription.</param>
    /// <returns>The notifications' data; <see langword="default"/> for a notification without params.</returns>
    /// <exception cref="ArgumentException"><paramref name="topic"/> is null or empty (thrown when enumeration starts).</exception>
    /// <exception cref="HubRpcException">The server refused the subscription (-32602), or refused it again after a reconnect.</exception>
    /// <exception cref="HubSubscriptionOverflowException">The consumer fell behind by more than the buffer holds.</exception>
    /// <exception cref="HubConnectionException">The connection was lost while subscribing, or the client stopped for good.</exception>
    /// <exception cref="TimeoutException">The server did not answer the subscription within <see cref="HubClientOptions.DefaultTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed before enumeration started.</exception>
    /// <example>
    /// <code>
    /// await foreach (var tick in client.Subscribe&lt;JObject&gt;("clock", cancellationToken))
    /// {
    ///     Console.WriteLine(tick?["time"]);
    /// }
    /// </code>
    /// </example>
    public async IAsyncEnumerable<T?> Subscribe<T>(string topic, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var capacity = _streamBufferCapacity;
        var buffer = Channel.CreateBounded<JToken?>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        TopicSubscription? subscription = null;
        subscription = TopicSubscription.ForStream(
            this,
            topic,
            data =>
            {
                // Runs on the receive loop, the buffer being the stream's whole queue: it must never wait for the
                // consumer, and the data is converted when read, on the consumer's side.
                if (!buffer.Writer.TryWrite(data) && buffer.Writer.TryComplete(new HubSubscriptionOverflowException(topic, capacity)))
                {
                    HubClientLog.StreamOverflow(_logger, topic, capacity);
                    _ = Task.Run(() => DisposeQuietlyAsync(subscription!));
                }
            },
            error => buffer.Writer.TryComplete(error));

        await AddSubscriptionAsync(subscription, cancellationToken).ConfigureAwait(false);
        try
        {
            while (await buffer.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (buffer.Reader.TryRead(out var data))
                {
                    if (TryConvertData<T>(topic, data, out var item))
                    {
                        yield return item;
                    }
                }
            }
        }
        finally
        {
            await DisposeQuietlyAsync(subscription).ConfigureAwait(false);
        }
    }

    private static async Task DisposeQuietlyAsync(TopicSubscription subscription)
    {
        try
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HubRpcException or OperationCanceledException)
        {
            // Best effort: a topic the server will not unsubscribe delivers to no handler.
        }
    }
}
