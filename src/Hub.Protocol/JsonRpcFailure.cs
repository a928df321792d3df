namespace Hub.Protocol;

/// <summary>A reply carrying an error.</summary>
internal sealed record JsonRpcFailure(RequestId Id, JsonRpcError Error) : JsonRpcMessage;
