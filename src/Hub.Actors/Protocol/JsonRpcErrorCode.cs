namespace Hub.Protocol;

/// <summary>
/// The error codes of the wire protocol: the five of the JSON-RPC 2.0 specification (section 5.1,
/// https://www.jsonrpc.org/specification#error_object) and Hub's own, in the server-error range
/// -32000 to -32099 that the specification leaves to implementations (PROTOCOL.md section 4).
/// </summary>
internal enum JsonRpcErrorCode
{
    ParseError = -32700,
    InvalidRequest = -32600,
    MethodNotFound = -32601,
    InvalidParams = -32602,
    InternalError = -32603,
    RequestTimedOut = -32001,
    TooManyRequests = -32002,
    MethodUnavailable = -32003,
    ServerShuttingDown = -32004,
}
