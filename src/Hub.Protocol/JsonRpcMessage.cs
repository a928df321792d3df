namespace Hub.Protocol;

/// <summary>One JSON-RPC 2.0 message, as the codec reads or writes it.</summary>
internal abstract record JsonRpcMessage;
