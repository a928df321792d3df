using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub;

/// <summary>
/// Thrown by a method handler to choose the error its caller receives: <c>code</c>, <c>message</c> and
/// optional <c>data</c> go to the client as they are. Any other exception reaches the client as
/// <c>-32603 Internal error</c>, without its text.
/// </summary>
/// <example>
/// <code>
/// hub.AddMethod("withdraw", (decimal amount) =>
///     amount > 100 ? throw new HubRpcException(-32010, "Limit exceeded", new { limit = 100 }) : amount);
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

    /// <summary>The error code sent to the client.</summary>
    public int Code { get; }

    /// <summary>The error data sent to the client, or null when the reply has none.</summary>
    public JToken? ErrorData { get; }

    /// <summary>
    /// Creates the standard <c>-32602 Invalid params</c> error with a short reason in <c>data</c>: what a
    /// handler throws when it validates its arguments itself.
    /// </summary>
    /// <param name="reason">A short human-readable reason, for example <c>"'ms' must be from 0 to 60000"</c>.</param>
    public static HubRpcException InvalidParams(string reason) =>
        new((int)JsonRpcErrorCode.InvalidParams, JsonRpcError.MessageOf(JsonRpcErrorCode.InvalidParams), reason, checkCode: false);

    /// <summary>An error as a peer sent it: any code, reserved ones included.</summary>
    internal static HubRpcException FromError(JsonRpcError error) => new(error.Code, error.Message, error.Data, checkCode: false);

    internal static HubRpcException Standard(JsonRpcErrorCode code, JToken? data = null) =>
        new((int)code, JsonRpcError.MessageOf(code), data, checkCode: false);

    internal JsonRpcError ToError() => new(Code, Message, ErrorData);
}
