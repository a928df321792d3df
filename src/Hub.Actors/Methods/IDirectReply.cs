namespace Hub.Methods;

/// <summary>
/// How a method writes its reply straight to a caller on this node, ahead of the
/// <see cref="MethodProtocol.Completed"/> that still tells the caller's connection (which keeps every call answered
/// once): the reply costs no hop through the connection's mailbox. Never crosses nodes.
/// </summary>
internal interface IDirectReply
{
    /// <summary>Writes the reply, unless the connection has answered the call already (its timeout). Never throws.</summary>
    void Write(byte[] reply);
}
