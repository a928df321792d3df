namespace Hub.Protocol;

/// <summary>What one frame or body holds, as <see cref="JsonRpcParser"/> reads it.</summary>
internal abstract record ParsedFrame
{
    private ParsedFrame()
    {
    }

    /// <summary>One message: a request, notification, client reply, or an invalid entry.</summary>
    public sealed record Single(JsonRpcMessage Message) : ParsedFrame;

    /// <summary>A non-empty batch within the limit; entries keep their order.</summary>
    public sealed record Batch(IReadOnlyList<JsonRpcMessage> Entries) : ParsedFrame;

    /// <summary>The frame is answered by one error reply and nothing runs (parse error, empty or oversized batch).</summary>
    public sealed record Rejected(JsonRpcFailure Reply) : ParsedFrame;
}
