namespace Hub;

/// <summary>
/// Thrown when a message is too large to cross between the nodes of the cluster: a notification (by
/// <see cref="IHub.NotifyAsync"/>, since it goes to every node) or a server-to-client call to a client on another node
/// (by <see cref="HubCallContext.CallClientAsync"/>). The limit follows <c>Hub:MaxMessageBytes</c>: see the README,
/// "Limits and failure behaviour". Nothing was sent, and the node logged a warning.
/// </summary>
public sealed class HubPayloadTooLargeException : ArgumentException
{
    internal HubPayloadTooLargeException(string what, long size, long limit)
        : base($"{what} is too large to cross the cluster: {size} B, over the limit of {limit} B")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The encoded size of what was refused, in bytes.</summary>
    public long Size { get; }

    /// <summary>The most a message may carry between nodes, in bytes.</summary>
    public long Limit { get; }
}
