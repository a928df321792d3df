using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>The <c>error</c> member of a failure reply. <see cref="Data"/> is left out of the output when null.</summary>
internal sealed record JsonRpcError(int Code, string Message, JToken? Data = null)
{
    public static JsonRpcError ParseError(string? reason = null) => Standard(JsonRpcErrorCodes.ParseError, reason);

    public static JsonRpcError InvalidRequest(string? reason = null) => Standard(JsonRpcErrorCodes.InvalidRequest, reason);

    public static JsonRpcError MethodNotFound { get; } = Standard(JsonRpcErrorCodes.MethodNotFound, null);

    public static JsonRpcError InvalidParams(string? reason = null) => Standard(JsonRpcErrorCodes.InvalidParams, reason);

    public static JsonRpcError InvalidParams(JToken data) => new(JsonRpcErrorCodes.InvalidParams, JsonRpcErrorCodes.MessageOf(JsonRpcErrorCodes.InvalidParams), data);

    public static JsonRpcError InternalError { get; } = Standard(JsonRpcErrorCodes.InternalError, null);

    public static JsonRpcError RequestTimedOut { get; } = Standard(JsonRpcErrorCodes.RequestTimedOut, null);

    public static JsonRpcError TooManyRequests { get; } = Standard(JsonRpcErrorCodes.TooManyRequests, null);

    public static JsonRpcError MethodUnavailable { get; } = Standard(JsonRpcErrorCodes.MethodUnavailable, null);

    public static JsonRpcError ServerShuttingDown { get; } = Standard(JsonRpcErrorCodes.ServerShuttingDown, null);

    private static JsonRpcError Standard(int code, string? reason) =>
        new(code, JsonRpcErrorCodes.MessageOf(code), reason is null ? null : new JValue(reason));
}
