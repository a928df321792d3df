using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>The <c>error</c> member of a failure reply. <see cref="Data"/> is left out of the output when null.</summary>
internal sealed record JsonRpcError(int Code, string Message, JToken? Data = null)
{
    public static JsonRpcError ParseError(string? reason = null) => Standard(JsonRpcErrorCode.ParseError, reason);

    public static JsonRpcError InvalidRequest(string? reason = null) => Standard(JsonRpcErrorCode.InvalidRequest, reason);

    public static JsonRpcError MethodNotFound { get; } = Standard(JsonRpcErrorCode.MethodNotFound, null);

    public static JsonRpcError InvalidParams(string? reason = null) => Standard(JsonRpcErrorCode.InvalidParams, reason);

    public static JsonRpcError InvalidParams(JToken data) => new((int)JsonRpcErrorCode.InvalidParams, "Invalid params", data);

    public static JsonRpcError InternalError { get; } = Standard(JsonRpcErrorCode.InternalError, null);

    public static JsonRpcError RequestTimedOut { get; } = Standard(JsonRpcErrorCode.RequestTimedOut, null);

    public static JsonRpcError TooManyRequests { get; } = Standard(JsonRpcErrorCode.TooManyRequests, null);

    public static JsonRpcError MethodUnavailable { get; } = Standard(JsonRpcErrorCode.MethodUnavailable, null);

    public static JsonRpcError ServerShuttingDown { get; } = Standard(JsonRpcErrorCode.ServerShuttingDown, null);

    /// <summary>The fixed message PROTOCOL.md section 4 gives each standard code.</summary>
    public static string MessageOf(JsonRpcErrorCode code) => code switch
    {
        JsonRpcErrorCode.ParseError => "Parse error",
        JsonRpcErrorCode.InvalidRequest => "Invalid Request",
        JsonRpcErrorCode.MethodNotFound => "Method not found",
        JsonRpcErrorCode.InvalidParams => "Invalid params",
        JsonRpcErrorCode.InternalError => "Internal error",
        JsonRpcErrorCode.RequestTimedOut => "Request timed out",
        JsonRpcErrorCode.TooManyRequests => "Too many requests",
        JsonRpcErrorCode.MethodUnavailable => "Method unavailable",
        JsonRpcErrorCode.ServerShuttingDown => "Server shutting down",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    private static JsonRpcError Standard(JsonRpcErrorCode code, string? reason) =>
        new((int)code, MessageOf(code), reason is null ? null : new JValue(reason));
}
