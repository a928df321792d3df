using Newtonsoft.Json.Linq;

namespace Hub.Client;

// Topic subscriptions: handlers by topic, one server subscription per topic, and the notification dispatch loop.
public sealed partial class HubClient
{
    // Handlers by topic, read by the receive loop; _topicsGate is held only briefly and never across an await.
    private readonly Lock _topicsGate = new();
    private readonly Dictionary<string, List<TopicSubscription>> _topics = new(StringComparer.Ordinal);

    // Topics subscribed on the server (or possibly so, after a subscribe whose outcome is unknown). Guarded by
    // _subscriptionLock, which also serializes subscribe/unsubscribe round trips so they reach the server in order.
    private readonly HashSet<string> _serverTopics = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _subscriptionLock = new(1, 1);

    /// <summary>
    /// Subscribes <paramref name="handler"/> to <paramref name="topic"/>: every notification the server publishes to
    /// the topic is converted to <typeparamref name="T"/> and passed to it, until the returned handle is disposed.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The first handler of a topic makes the server subscription (the built-in <c>subscribe</c> with
    /// <c>[topic]</c>); further handlers share it, and disposing the last one sends <c>unsubscribe</c>. The handler is
    /// registered before <c>subscribe</c> is sent, so it receives the topic's retained value, which the server sends
    /// ahead of its reply. A handler added while the topic is already subscribed does not get the retained value.
    /// </para>
    /// <para>
    /// Handlers run one at a time, in arrival order, on a dispatch loop of their own (never the receive loop), so a
    /// handler may call the server. A slow handler delays later notifications, not replies. An exception from a handler
    /// (or data that does not convert to <typeparamref name="T"/>) goes to <see cref="HubClientOptions.OnHandlerError"/>
    /// and delivery carries on. All handlers of a topic receive the same data: do not modify a <see cref="JToken"/>.
    /// </para>
    /// <para>
    /// Slow handlers: at most <see cref="HubClientOptions.HandlerQueueCapacity"/> notifications (1000 by default) wait
    /// for a handler. When one more arrives, the subscription ends as an overflowing
    /// <see cref="Subscribe{T}(string, CancellationToken)"/> stream does: the handler still gets every notification
    /// waiting, in order, then <see cref="HubClientOptions.OnHandlerError"/> gets a
    /// <see cref="HubSubscriptionOverflowException"/> and the handler is removed; the server subscription is released at
    /// once when it was the topic's last. Nothing is skipped silently. To carry on, subscribe again.
    /// </para>
    /// <para>
    /// A subscription outlives the connection: after a reconnect the client subscribes every topic again before it is
    /// <see cref="HubConnectionState.Connected"/> (so retained values come again). Notifications published while the
    /// client was away are not replayed: delivery is at most once (PROTOCOL.md section 6).
    /// </para>
    /// </remarks>
    /// <typeparam name="T">The data's type: a class, a <see cref="JObject"/>, a <see cref="JToken"/>, ...</typeparam>
    /// <param name="topic">The topic's name.</param>
    /// <param name="handler">Called with each notification's data; <see langword="default"/> when the notification has
    /// no params or null params.</param>
    /// <param name="cancellationToken">Abandons the subscription; the handler is removed.</param>
    /// <returns>A handle; dispose it to remove the handler (it is not called for notifications dispatched afterwards).</returns>
    /// <exception cref="ArgumentException"><paramref name="topic"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="HubRpcException">The server refused: -32602 when the topic does not exist or the caller may
    /// not see it (the names are in <see cref="HubRpcException.ErrorData"/>). The handler is removed.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the server answered, or the client
    /// has stopped for good.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.DefaultTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <example>
    /// <code>
    /// await using var subscription = await client.SubscribeAsync&lt;Price&gt;("prices", async price =>
    /// {
    ///     await store.SaveAsync(price);
    /// });
    /// </code>
    /// </example>
    public Task<IAsyncDisposable> SubscribeAsync<T>(string topic, Func<T?, Task> handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(handler);
        return AddSubscriptionAsync(TopicSubscription.ForHandler(this, topic, data => handler(ConvertData<T>(data))), cancellationToken);
    }

    /// <summary>
    /// Subscribes a synchronous <paramref name="handler"/> to <paramref name="topic"/>; otherwise the same as
    /// <see cref="SubscribeAsync{T}(string, Func{T, Task}, CancellationToken)"/>.
    /// </summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="topic">The topic's name.</param>
    /// <param name="handler">Called with each notification's data; <see langword="default"/> when there is none.</param>
    /// <param name="cancellationToken">Abandons the subscription; the handler is removed.</param>
    /// <returns>A handle; dispose it to remove the handler.</returns>
    /// <exception cref="ArgumentException"><paramref name="topic"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="HubRpcException">The server refused the subscription (-32602); the handler is removed.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the server answered, or the client
    /// has stopped for good.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.DefaultTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <example>
    /// <code>
    /// await using var clock = await client.SubscribeAsync&lt;JObject&gt;("clock", tick => Console.WriteLine(tick?["time"]));
    /// </code>
    /// </example>
    public Task<IAsyncDisposable> SubscribeAsync<T>(string topic, Action<T?> handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = TopicSubscription.ForHandler(
            this,
            topic,
            data =>
            {
                handler(ConvertData<T>(data));
                return Task.CompletedTask;
            });
        return AddSubscriptionAsync(subscription, cancellationToken);
    }

    /// <summary>
    /// Removes every handler of <paramref name="topic"/> (their handles become no-ops) and sends the built-in
    /// <c>unsubscribe</c> with <c>[topic]</c>. Unsubscribing from a topic not subscribed is not an error.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="cancellationToken">Abandons waiting for the server's reply; the handlers are removed regardless.</param>
    /// <returns>A task that completes when the server has answered.</returns>
    /// <exception cref="ArgumentException"><paramref name="topic"/> is null or empty.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the server answered, or the client
    /// has stopped for good.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.DefaultTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <example>
    /// <code>
    /// await client.UnsubscribeAsync("prices");
    /// </code>
    /// </example>
    public async Task UnsubscribeAsync(string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        lock (_topicsGate)
        {
            if (_topics.Remove(topic, out var subscriptions))
            {
                foreach (var subscription in subscriptions)
                {
                    subscription.Deactivate();
                }
            }
        }

        await _subscriptionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_topicsGate)
            {
                // A handler subscribed since: the server subscription is its now.
                if (_topics.ContainsKey(topic))
                {
                    return;
                }
            }

            _serverTopics.Remove(topic);
            await CallAsync("unsubscribe", [topic], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    /// <summary>Removes one handler; when it was the topic's last, removes the server subscription too.</summary>
    internal async Task RemoveSubscriptionAsync(TopicSubscription subscription)
    {
        lock (_topicsGate)
        {
            if (!_topics.TryGetValue(subscription.Topic, out var subscriptions) || !subscriptions.Remove(subscription))
            {
                return;
            }

            if (subscriptions.Count > 0)
            {
                return;
            }

            _topics.Remove(subscription.Topic);
        }

        await ReleaseServerTopicAsync(subscription.Topic).ConfigureAwait(false);
    }

    private async Task<IAsyncDisposable> AddSubscriptionAsync(TopicSubscription subscription, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        var topic = subscription.Topic;

        // Registered before subscribe is sent: the retained value comes ahead of the reply.
        lock (_topicsGate)
        {
            if (!_topics.TryGetValue(topic, out var subscriptions))
            {
                _topics[topic] = subscriptions = [];
            }

            subscriptions.Add(subscription);
        }

        try
        {
            await _subscriptionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (subscription.IsActive && !_serverTopics.Contains(topic))
                {
                    try
                    {
                        await CallAsync("subscribe", [topic], cancellationToken).ConfigureAwait(false);
                        _serverTopics.Add(topic);
                    }
                    catch (Exception e) when (e is OperationCanceledException or TimeoutException)
                    {
                        // The server may have subscribed after all: let the removal below unsubscribe.
                        _serverTopics.Add(topic);
                        throw;
                    }
                }
            }
            finally
            {
                _subscriptionLock.Release();
            }
        }
        catch
        {
            if (subscription.Deactivate())
            {
                _ = RemoveQuietlyAsync(subscription);
            }

            throw;
        }

        return subscription;
    }

    private async Task RemoveQuietlyAsync(TopicSubscription subscription)
    {
        try
        {
            await RemoveSubscriptionAsync(subscription).ConfigureAwait(false);
        }
        catch (HubRpcException)
        {
            // Best effort: after a failed subscribe the caller already has that failure, and a topic the server
            // will not unsubscribe delivers to no handler.
        }
    }

    /// <summary>
    /// Subscribes every topic that has handlers on a new connection, before it is put in service. The server's
    /// <c>subscribe</c> is all or nothing, so when it refuses, each topic is tried alone and only the refused ones
    /// are reported (their streams end with the error; handlers stay, in case a later reconnect succeeds).
    /// </summary>
    private async Task ResubscribeAsync(ClientConnection connection)
    {
        string[] topics;
        lock (_topicsGate)
        {
            topics = [.. _topics.Keys];
        }

        if (topics.Length == 0)
        {
            return;
        }

        try
        {
            await InvokeAsync("subscribe", new JArray(topics), _defaultTimeout, _lifetime.Token, connection).ConfigureAwait(false);
            return;
        }
        catch (HubRpcException)
        {
            // At least one topic is refused now; find out which, below.
        }

        foreach (var topic in topics)
        {
            try
            {
                await InvokeAsync("subscribe", new JArray(topic), _defaultTimeout, _lifetime.Token, connection).ConfigureAwait(false);
            }
            catch (HubRpcException e)
            {
                HubClientLog.ResubscribeFailed(_logger, topic, e);
                InvokeOnHandlerError(topic, e);
                EndStreams(e, topic);
            }
        }
    }

    /// <summary>Tells the subscriptions of <paramref name="topic"/> (or of every topic) that no more data will come.</summary>
    private void EndStreams(Exception? error, string? topic = null)
    {
        List<TopicSubscription> ended = [];
        lock (_topicsGate)
        {
            foreach (var (name, subscriptions) in _topics)
            {
                if (topic is null || name == topic)
                {
                    ended.AddRange(subscriptions);
                }
            }
        }

        foreach (var subscription in ended)
        {
            subscription.End(error);
        }
    }

    private async Task ReleaseServerTopicAsync(string topic)
    {
        await _subscriptionLock.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_topicsGate)
            {
                // A handler subscribed since: keep the server subscription for it.
                if (_topics.ContainsKey(topic))
                {
                    return;
                }
            }

            if (!_serverTopics.Remove(topic) || !IsConnected)
            {
                return;
            }

            await CallAsync("unsubscribe", [topic]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HubConnectionException or ObjectDisposedException or TimeoutException)
        {
            // The connection is gone (and its subscriptions with it) or not answering: nothing left to undo.
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    /// <summary>On the receive loop: hands streams their data and queues it for handlers, each within its bound.</summary>
    private void DispatchNotification(string topic, JToken? data)
    {
        TopicSubscription[] subscriptions;
        lock (_topicsGate)
        {
            if (!_topics.TryGetValue(topic, out var registered))
            {
                return;
            }

            subscriptions = [.. registered];
        }

        List<TopicSubscription>? queued = null;
        foreach (var subscription in subscriptions)
        {
            if (!subscription.IsActive)
            {
                continue;
            }

            if (subscription.IsStream)
            {
                subscription.Arrive(data);
            }
            else if (subscription.TryQueue(_handlerQueueCapacity))
            {
                (queued ??= []).Add(subscription);
            }
            else if (subscription.Overflow())
            {
                EndOverflowedHandler(subscription);
            }
        }

        if (queued is not null)
        {
            _dispatch.Writer.TryWrite(() => DeliverAsync(topic, data, queued));
        }
    }

    /// <summary>The rule of an overflowing stream, for a handler: released now, told after what waits for it.</summary>
    private void EndOverflowedHandler(TopicSubscription subscription)
    {
        var topic = subscription.Topic;
        var capacity = _handlerQueueCapacity;
        HubClientLog.HandlerOverflow(_logger, topic, capacity);

        // Still active, so the notifications queued before reach it; off the receive loop, as unsubscribe is a call.
        _ = Task.Run(() => RemoveQuietlyAsync(subscription));
        _dispatch.Writer.TryWrite(() =>
        {
            // A handle disposed meanwhile asked for no more: nothing to tell then.
            if (subscription.Deactivate())
            {
                InvokeOnHandlerError(topic, new HubSubscriptionOverflowException(topic, capacity));
            }

            return Task.CompletedTask;
        });
    }

    private async Task DeliverAsync(string topic, JToken? data, List<TopicSubscription> subscriptions)
    {
        foreach (var subscription in subscriptions)
        {
            subscription.Dequeue();
            if (!subscription.IsActive || Volatile.Read(ref _disposeStarted) != 0)
            {
                continue;
            }

            try
            {
                await subscription.InvokeAsync(data).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ReportHandlerError(topic, e);
            }
        }
    }

    private async Task DispatchLoopAsync()
    {
        await foreach (var delivery in _dispatch.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (Volatile.Read(ref _disposeStarted) != 0)
            {
                return;
            }

            await delivery().ConfigureAwait(false);
        }
    }

    /// <summary>Converts a stream's data; false, reported as a handler error, when it does not convert.</summary>
    private bool TryConvertData<T>(string topic, JToken? data, out T? item)
    {
        try
        {
            item = ConvertData<T>(data);
            return true;
        }
        catch (Exception e)
        {
            ReportHandlerError(topic, e);
            item = default;
            return false;
        }
    }

    private T? ConvertData<T>(JToken? data)
    {
        if (data is null || data.Type == JTokenType.Null)
        {
            return default;
        }

        return ConvertResult<T>(_serializer, data);
    }
}
