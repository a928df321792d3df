namespace Hub.Client;

/// <summary>
/// Ends a <see cref="HubClient.Subscribe{T}(string, CancellationToken)"/> stream whose consumer fell behind: a
/// notification arrived while the stream's buffer (<see cref="HubClientOptions.StreamBufferCapacity"/> items) was full.
/// Everything buffered before it is still delivered; the server subscription is released. A
/// <see cref="HubClient.SubscribeAsync{T}(string, Func{T, Task}, CancellationToken)"/> handler that falls behind by
/// more than <see cref="HubClientOptions.HandlerQueueCapacity"/> ends by the same rule, and this exception goes to
/// <see cref="HubClientOptions.OnHandlerError"/> once the handler has had the notifications waiting.
/// </summary>
/// <example>
/// <code>
/// try
/// {
///     await foreach (var price in client.Subscribe&lt;Price&gt;("prices", cancellationToken))
///     {
///         await SlowlyStoreAsync(price);
///     }
/// }
/// catch (HubSubscriptionOverflowException e)
/// {
///     logger.LogWarning("Fell {Capacity} notifications behind on {Topic}; subscribing again", e.Capacity, e.Topic);
/// }
/// </code>
/// </example>
public sealed class HubSubscriptionOverflowException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public HubSubscriptionOverflowException()
        : this("The subscription's buffer overflowed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What happened.</param>
    public HubSubscriptionOverflowException(string message)
        : base(message)
    {
        Topic = "";
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public HubSubscriptionOverflowException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Topic = "";
    }

    /// <summary>Creates an exception for <paramref name="topic"/>, whose buffer held <paramref name="capacity"/> items.</summary>
    /// <param name="topic">The topic whose stream or handler overflowed.</param>
    /// <param name="capacity">How many notifications the buffer held.</param>
    public HubSubscriptionOverflowException(string topic, int capacity)
        : base($"The consumer of topic '{topic}' fell behind: {capacity} notifications were waiting when another arrived.")
    {
        Topic = topic;
        Capacity = capacity;
    }

    /// <summary>The topic whose stream or handler overflowed (empty when not given).</summary>
    public string Topic { get; }

    /// <summary>How many notifications the buffer held (0 when not given).</summary>
    public int Capacity { get; }
}
