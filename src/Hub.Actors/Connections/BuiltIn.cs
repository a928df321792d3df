namespace Hub.Connections;

/// <summary>What a connection's own built-in did with a call, for <see cref="CallDispatcher"/> to count.</summary>
internal readonly record struct BuiltIn
{
    /// <summary>Not a built-in of this connection: the call is routed to a method.</summary>
    public static BuiltIn NotBuiltIn => default;

    /// <summary>Answered (or, for a subscribe, accepted: it can only succeed) with <paramref name="errorCode"/>, 0 for none.</summary>
    public static BuiltIn Answered(int errorCode = 0) => new() { Taken = true, ErrorCode = errorCode };

    /// <summary>Taken, and counted by the built-in itself once answered (a login while its token is checked).</summary>
    public static BuiltIn CountedLater => new() { Taken = true, Later = true };

    public bool Taken { get; private init; }

    public int ErrorCode { get; private init; }

    public bool Later { get; private init; }
}
