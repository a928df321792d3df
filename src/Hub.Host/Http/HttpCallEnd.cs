namespace Hub.Host.Http;

/// <summary>
/// How the connection actor of one HTTP call ended: <see cref="Code"/> 1000 with the reply (null when there was
/// nothing to reply), or another WebSocket close code and its reason (1001: the node is stopping).
/// </summary>
internal sealed record HttpCallEnd(int Code, string Reason, byte[]? Reply);
