using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// The server answered a call with a JSON-RPC error object, or a server-to-client call handler (see
/// <see cref="HubClient.On(string, Func{JToken?, Task{object?}})"/>) chose the error its reply carries.
/// <see cref="Exception.Message"/> is the error's <c>message</c>, exactly as the server sent it.
/// </summary>
/// <example>
/// <code>
/// try
/// {
///     await client.CallAsync&lt;double&gt;("divide", [1, 0]);
/// }
/// catch (HubRpcException e) when (e.Code == -32603)
/// {
///     Console.WriteLine($"server failed: {e.Message}");
/// }
/// </code>
/// </example>
public sealed class HubRpcException : Exception
{
    /// <summary>Creates an error with the given code, message and optional data.</summary>
    /// <param name="code">The JSON-RPC error code. PROTOCOL.md section 4 lists the codes the server uses.</param>
    /// <param name="message">The error's <c>message</c>: a short description.</param>
    /// <param name="data">The error's <c>data</c>, or <see langword="null"/> when the error has none.</param>
    public HubRpcException(int code, string message, JToken? data = null)
        : base(message)
    {
        Code = code;
        ErrorData = data;
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
    /// The error's <c>data</c> member, or <see langword="null"/> when the server left it out. (Named so as not to
    /// hide <see cref="Exception.Data"/>.)
    /// </summary>
    public JToken? ErrorData { get; }

    /// <summary>
    /// An error -32602 <c>Invalid params</c> with <paramref name="reason"/> as its <c>data</c>, for a server-to-client
    /// call handler (see <see cref="HubClient.On(string, Func{JToken?, Task{object?}})"/>) to throw.
    /// </summary>
    /// <param name="reason">What is wrong with the params, for a human.</param>
    /// <returns>The exception, to throw.</returns>
    /// <example>
    /// <code>
    /// client.On("confirm", p => p?["text"] is null ? throw HubRpcException.InvalidParams("missing 'text'") : (object?)true);
    /// </code>
    /// </example>
    public static HubRpcException InvalidParams(string reason) =>
        new(JsonRpcErrorCodes.InvalidParams, "Invalid params", reason);
}
