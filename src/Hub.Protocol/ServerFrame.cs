namespace Hub.Protocol;

/// <summary>What one frame a server sent to a client holds, as <see cref="JsonRpcParser.ParseFromServer"/> reads it.</summary>
internal abstract record ServerFrame
{
    private ServerFrame()
    {
    }

    /// <summary>
    /// One message: a <see cref="JsonRpcSuccess"/> or <see cref="JsonRpcFailure"/> answering a call of the client, a
    /// <see cref="JsonRpcNotification"/>, a server-to-client <see cref="JsonRpcRequest"/>, or a
    /// <see cref="JsonRpcInvalid"/> that is none of these.
    /// </summary>
    public sealed record Single(JsonRpcMessage Message) : ServerFrame;

    /// <summary>An array of messages, in order (a batch reply; it may be empty).</summary>
    public sealed record Batch(IReadOnlyList<JsonRpcMessage> Entries) : ServerFrame;

    /// <summary>Not JSON, or nested past the depth limit (<paramref name="TooDeep"/>): nothing in it can be matched to a call.</summary>
    public sealed record Unreadable(string Reason, bool TooDeep) : ServerFrame;
}
