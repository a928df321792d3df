using System.Net.WebSockets;

namespace Hub.Client;

/// <summary>A change of <see cref="HubClient.State"/>, with the reason for it; see <see cref="HubClient.StateChanged"/>.</summary>
public sealed class HubStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the event's data.</summary>
    /// <param name="previousState">The state before the change.</param>
    /// <param name="state">The state after the change.</param>
    /// <param name="reason">Why the state changed, in words.</param>
    /// <param name="endpoint">The endpoint concerned; see <see cref="Endpoint"/>.</param>
    /// <param name="closeStatus">The close status that ended the connection, if any.</param>
    /// <param name="closeDescription">The reason in the server's close frame, if any.</param>
    /// <param name="exception">The failure behind the change, if any.</param>
    public HubStateChangedEventArgs(
        HubConnectionState previousState,
        HubConnectionState state,
        string reason,
        Uri? endpoint,
        WebSocketCloseStatus? closeStatus,
        string? closeDescription,
        Exception? exception)
    {
        PreviousState = previousState;
        State = state;
        Reason = reason;
        Endpoint = endpoint;
        CloseStatus = closeStatus;
        CloseDescription = closeDescription;
        Exception = exception;
    }

    /// <summary>The state before the change.</summary>
    public HubConnectionState PreviousState { get; }

    /// <summary>The state after the change.</summary>
    public HubConnectionState State { get; }

    /// <summary>Why the state changed, in words: for a human or a log, not for parsing.</summary>
    public string Reason { get; }

    /// <summary>
    /// For <see cref="HubConnectionState.Connected"/> the endpoint now connected; for
    /// <see cref="HubConnectionState.Reconnecting"/> and <see cref="HubConnectionState.Disconnected"/> the endpoint
    /// whose connection ended (<see langword="null"/> when none was open).
    /// </summary>
    public Uri? Endpoint { get; }

    /// <summary>
    /// The status of the server's close frame that ended the connection (1001 when a node goes away, 1008 for a
    /// policy such as a slow consumer, ...), or <see langword="null"/> when the connection ended without one (lost,
    /// aborted, disposed) or none ended.
    /// </summary>
    public WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>The reason text of the server's close frame, or <see langword="null"/> when there was none.</summary>
    public string? CloseDescription { get; }

    /// <summary>
    /// The failure behind the change: the network error that ended the connection, or the last failed attempt when
    /// reconnecting gives up; <see langword="null"/> when there is none.
    /// </summary>
    public Exception? Exception { get; }
}
