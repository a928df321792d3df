namespace Hub.Connections;

/// <summary>
/// Flow control from a transport's read loop to its connection actor: the loop takes a credit before it tells the
/// actor a frame (<see cref="ConnectionProtocol.InboundFrame"/> carries it), and the actor gives it back once the
/// frame is handled. At most the window's frames (<see cref="DefaultWindow"/> for a WebSocket) wait in the mailbox; a client that sends faster than its
/// connection works fills its own TCP window instead. No message goes back to the loop: returning a credit is a
/// semaphore release.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore holds no wait handle (AvailableWaitHandle is never read), and a Return after a dispose would throw in the actor.")]
internal sealed class InboundCredit(int window)
{
    /// <summary>Frames a WebSocket read loop may have in its connection's mailbox at once.</summary>
    public const int DefaultWindow = 4;

    private readonly SemaphoreSlim _credits = new(window, window);

    /// <summary>Completes when a credit is free; cancelled when the actor has stopped.</summary>
    public Task TakeAsync(CancellationToken cancellationToken) => _credits.WaitAsync(cancellationToken);

    /// <summary>Called by the actor when it has handled a frame.</summary>
    public void Return() => _credits.Release();
}
