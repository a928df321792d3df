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

    /// <summary>
    /// An <c>error</c> member as a peer sent it, never thrown on: a code that is not an int (missing, a fraction, an
    /// integer of any size) reads as <c>-32603</c>, a message that is not a string as empty.
    /// </summary>
    public static JsonRpcError Read(JToken error)
    {
        var member = error as JObject;
        var code = member?["code"] is JValue { Value: long c } && c is >= int.MinValue and <= int.MaxValue
            ? (int)c
            : JsonRpcErrorCodes.InternalError;
        var text = member?["message"] is JValue { Type: JTokenType.String } m ? (string)m! : string.Empty;
        return new JsonRpcError(code, text, member?["data"]);
    }

    private static JsonRpcError Standard(int code, string? reason) =>
        new(code, JsonRpcErrorCodes.MessageOf(code), reason is null ? null : new JValue(reason));
}
