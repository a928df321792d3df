using System.Collections.Frozen;

namespace Hub;

/// <summary>
/// The error codes of the JSON-RPC 2.0 specification (section 5.1) and the ones Hub adds (PROTOCOL.md section 4), to
/// compare with <see cref="HubRpcException.Code"/>: the one table of them, for the server and the client.
/// </summary>
/// <example>
/// <code>
/// catch (HubRpcException e) when (e.Code == JsonRpcErrorCodes.MethodNotFound)
/// {
///     // an older server: fall back
/// }
/// </code>
/// </example>
public static class JsonRpcErrorCodes
{
    /// <summary>-32700: the server could not parse the message as JSON.</summary>
    public const int ParseError = -32700;

    /// <summary>-32600: the message is not a valid request (or the batch is empty or over the server's limit).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>-32601: no such method, or the caller may not call it.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>-32602: the params do not bind to the method's parameters, or a topic is unknown or not allowed.</summary>
    public const int InvalidParams = -32602;

    /// <summary>-32603: the method failed; the server logged the details.</summary>
    public const int InternalError = -32603;

    /// <summary>-32001 (Hub): the method did not finish within its timeout on the server.</summary>
    public const int RequestTimedOut = -32001;

    /// <summary>-32002 (Hub): the connection has more requests in flight than the server allows (256 by default).</summary>
    public const int TooManyRequests = -32002;

    /// <summary>-32003 (Hub): the node serving the method left the cluster or did not answer in time.</summary>
    public const int MethodUnavailable = -32003;

    /// <summary>-32004 (Hub): the node is shutting down and takes no new calls; a reconnect reaches another.</summary>
    public const int ServerShuttingDown = -32004;

    // Each of the protocol's own codes with the fixed message PROTOCOL.md section 4 gives it: the one list of them.
    private static readonly FrozenDictionary<int, string> Messages = new Dictionary<int, string>
    {
        [ParseError] = "Parse error",
        [InvalidRequest] = "Invalid Request",
        [MethodNotFound] = "Method not found",
        [InvalidParams] = "Invalid params",
        [InternalError] = "Internal error",
        [RequestTimedOut] = "Request timed out",
        [TooManyRequests] = "Too many requests",
        [MethodUnavailable] = "Method unavailable",
        [ServerShuttingDown] = "Server shutting down",
    }.ToFrozenDictionary();

    /// <summary>Every code above, the protocol's own.</summary>
    internal static IEnumerable<int> Standard => Messages.Keys;

    /// <summary>The fixed message PROTOCOL.md section 4 gives each of the protocol's own codes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not one of them.</exception>
    internal static string MessageOf(int code) =>
        Messages.TryGetValue(code, out var message) ? message : throw new ArgumentOutOfRangeException(nameof(code), code, null);
}
