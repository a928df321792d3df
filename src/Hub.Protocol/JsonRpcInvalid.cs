namespace Hub.Protocol;

/// <summary>
/// An entry that is valid JSON but not a valid request; it is answered with <c>-32600</c> and
/// <see cref="Id"/> (the request's id where it had a usable one, else null).
/// </summary>
internal sealed record JsonRpcInvalid(RequestId Id, string Reason) : JsonRpcMessage;
