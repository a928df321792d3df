using System.Net;
using System.Net.WebSockets;

namespace Hub.Client;

/// <summary>
/// The connection to the server could not be made, was closed, or was lost, so a call cannot be sent or will not
/// be answered. Every call still waiting for a reply when the connection ends fails with this exception (a call not
/// yet sent waits for the reconnect instead); so do calls made while reconnecting with
/// <see cref="CallsWhileReconnecting.FailFast"/>, and every call once the client has stopped for good.
/// </summary>
/// <example>
/// <code>
/// try
/// {
///     await client.CallAsync&lt;string&gt;("ping");
/// }
/// catch (HubConnectionException e) when (e.CloseStatus == WebSocketCloseStatus.EndpointUnavailable)
/// {
///     // 1001: the node went away while the call was in flight; the client is reconnecting (to the next
///     // endpoint). Whether to call again is for the caller to judge: the method may have run.
/// }
/// </code>
/// </example>
public sealed class HubConnectionException : Exception
{
    /// <summary>Creates an exception with a default message and no close status.</summary>
    public HubConnectionException()
        : this("The connection to the hub is closed.")
    {
    }

    /// <summary>Creates an exception with the given message and no close status.</summary>
    /// <param name="message">What happened.</param>
    public HubConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause, and no close status.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause, typically a <see cref="WebSocketException"/>.</param>
    public HubConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with every detail.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="closeStatus">The status of the server's close frame, when one arrived.</param>
    /// <param name="closeDescription">The reason in the server's close frame, when one arrived.</param>
    /// <param name="httpStatusCode">The HTTP status of a refused upgrade, such as 401.</param>
    /// <param name="innerException">The cause, typically a <see cref="WebSocketException"/>.</param>
    public HubConnectionException(
        string message,
        WebSocketCloseStatus? closeStatus,
        string? closeDescription,
        HttpStatusCode? httpStatusCode,
        Exception? innerException)
        : base(message, innerException)
    {
        CloseStatus = closeStatus;
        CloseDescription = closeDescription;
        HttpStatusCode = httpStatusCode;
    }

    /// <summary>
    /// The status code of the close frame the server sent (PROTOCOL.md section 10: 1000 normal, 1001 going away,
    /// 1003 binary frame, 1008 policy, 1009 message too big, 1011 internal error), or <see langword="null"/> when the
    /// connection ended without one (lost, aborted, disposed, never made). 1009 also when the client itself closed the
    /// connection because the server sent a message over <see cref="HubClientOptions.MaxMessageBytes"/>.
    /// </summary>
    public WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>The reason text of the server's close frame, or <see langword="null"/> when there was none.</summary>
    public string? CloseDescription { get; }

    /// <summary>
    /// The HTTP status with which the server refused the WebSocket upgrade (for example 401 when authentication
    /// failed), or <see langword="null"/> when the failure was not a refused upgrade.
    /// </summary>
    public HttpStatusCode? HttpStatusCode { get; }
}
