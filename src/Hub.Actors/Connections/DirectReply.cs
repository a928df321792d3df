using Hub.Methods;

namespace Hub.Connections;

/// <summary>
/// One call's reply written straight into the connection's <see cref="Outbound"/> by the method, on its own thread,
/// instead of after a hop through the connection's mailbox. Either the method writes it or the connection answers the
/// call itself (its timeout), never both: whichever comes first takes the call.
/// </summary>
internal sealed class DirectReply(Outbound outbound) : IDirectReply
{
    private const int Pending = 0;
    private const int WrittenByMethod = 1;
    private const int TakenByConnection = 2;

    private int _state;

    /// <summary>True once the method wrote the reply: the connection only counts the call.</summary>
    public bool Written => Volatile.Read(ref _state) == WrittenByMethod;

    public void Write(byte[] reply)
    {
        if (Interlocked.CompareExchange(ref _state, WrittenByMethod, Pending) == Pending)
        {
            outbound.SendFromElsewhere(reply);
        }
    }

    /// <summary>The connection answers the call itself; false when the method has written its reply already.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, TakenByConnection, Pending) == Pending;
}
