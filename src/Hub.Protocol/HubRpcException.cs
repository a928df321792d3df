using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub;

/// <summary>
/// A JSON-RPC error reply, the one type for it on both sides. Thrown by a method handler on the server (or by a
/// server-to-client call handler in <c>Hub.Client</c>) to choose the error its caller receives: <c>code</c>,
/// <c>message</c> and optional <c>data</c> go to the caller as they are; any other exception reaches the caller as
/// <c>-32603 Internal error</c>, without its text. Thrown by <c>Hub.Client</c>'s calls when the server answered with
/// an error: <see cref="Exception.Message"/> is the error's <c>message</c> exactly as the server sent it.
/// </summary>
/// <example>
/// <code>
/// hub.AddMethod("withdraw", (decimal amount) =>
///     amount > 100 ? throw new HubRpcException(-32010, "Limit exceeded", new { limit = 100 }) : amount);
///
/// try
/// {
///     await client.CallAsync&lt;decimal&gt;("withdraw", [500]);
/// }
/// catch (HubRpcException e) when (e.Code == -32010)
/// {
///     Console.WriteLine($"refused: {e.ErrorData}");
/// }
/// </code>
/// </example>
public class HubRpcException : Exception
{
    /// <summary>Creates a handler-chosen error.</summary>
    /// <param name="code">The error code. Codes from -32768 to -32100 are reserved by JSON-RPC 2.0 and refused.</param>
    /// <param name="message">The error message the client sees.</param>
    /// <param name="data">Optional extra data, serialized with Newtonsoft.Json; left out of the reply when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is in the reserved range.</exception>
    public HubRpcException(int code, string message, object? data = null)
        : this(code, message, data, checkCode: true)
    {
    }

    private HubRpcException(int code, string message, object? data, bool checkCode)
        : base(message)
    {
        if (checkCode && code is >= -32768 and <= -32100)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "Codes from -32768 to -32100 are reserved by JSON-RPC 2.0.");
        }

        Code = code;
        ErrorData = data is null ? null : data as JToken ?? JToken.FromObject(data);
    }

    /// <summary>
    /// The JSON-RPC error code: -32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid
    /// params, -32603 internal error, -32001 to -32004 Hub's own (timeout, too many requests, method unavailable,
    /// shutting down), anything else chosen by the method. <see cref="JsonRpcErrorCodes"/> names them.
    /// </summary>
    public int Code { get; }

    /// <summary>
    /// <see langword="true"/> for the errors a later attempt may not get: -32001 request timed out, -32002 too many
    /// requests, -32003 method unavailable and -32004 server shutting down. Whether a retry is safe (the method may
    /// have run) is for the caller to judge.
    /// </summary>
    public bool IsTransient => Code is JsonRpcErrorCodes.RequestTimedOut or JsonRpcErrorCodes.TooManyRequests
        or JsonRpcErrorCodes.MethodUnavailable or JsonRpcErrorCodes.ServerShuttingDown;

    /// <summary>
    /// The error's <c>data</c> member, or <see langword="null"/> when the reply has none. (Named so as not to hide
    /// <see cref="Exception.Data"/>.)
    /// </summary>
    public JToken? ErrorData { get; }

    /// <summary>
    /// Creates the standard <c>-32602 Invalid params</c> error with a short reason in <c>data</c>: what a
    /// handler throws when it validates its arguments itself.
    /// </summary>
    /// <param name="reason">A short human-readable reason, for example <c>"'ms' must be from 0 to 60000"</c>.</param>
    /// <returns>The exception, to throw.</returns>
    public static HubRpcException InvalidParams(string reason) => Standard(JsonRpcErrorCodes.InvalidParams, reason);

    /// <summary>An error as a peer sent it: any code, reserved ones included.</summary>
    internal static HubRpcException FromError(JsonRpcError error) => new(error.Code, error.Message, error.Data, checkCode: false);

    /// <summary>One of the protocol's own errors, with its fixed message.</summary>
    internal static HubRpcException Standard(int code, JToken? data = null) =>
        new(code, JsonRpcErrorCodes.MessageOf(code), data, checkCode: false);

    internal JsonRpcError ToError() => new(Code, Message, ErrorData);
}
