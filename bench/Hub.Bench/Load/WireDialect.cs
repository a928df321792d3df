namespace Hub.Bench.Load;

/// <summary>How a target speaks on its WebSocket.</summary>
internal enum WireDialect
{
    /// <summary>JSON-RPC 2.0 as the hub (and the raw baseline) writes it: compact, replies end in <c>"id":N}</c>.</summary>
    JsonRpc,

    /// <summary>SignalR's JSON hub protocol: records ending in 0x1e, completions carry <c>"invocationId"</c>.</summary>
    SignalR,

    /// <summary>An echo server: a request comes back as sent, so its id is found where it was written.</summary>
    Echo,
}
