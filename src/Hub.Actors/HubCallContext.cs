using Akka.Actor;
using Hub.Auth;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub;

/// <summary>
/// What a method knows about the call it serves. Declare a parameter of this type on a handler to receive it;
/// it is never bound from <c>params</c>.
/// </summary>
public sealed class HubCallContext
{
    private readonly IActorRef? _connection;
    private readonly IHub _hub;
    private readonly IClientCaller _clientCaller;

    internal HubCallContext(string connectionId, HubUser user, JToken? parameters, IActorRef? connection, IHub hub, IClientCaller clientCaller, TimeSpan timeout)
    {
        ConnectionId = connectionId;
        User = user;
        Params = parameters;
        _connection = connection;
        _hub = hub;
        _clientCaller = clientCaller;
        Timeout = timeout;
    }

    /// <summary>The id of the calling connection, unique on its node (as it appears in the logs).</summary>
    public string ConnectionId { get; }

    /// <summary>The caller's user; <see cref="HubUser.Anonymous"/> when not logged in.</summary>
    public HubUser User { get; }

    /// <summary>The request's <c>params</c> exactly as sent; null when absent.</summary>
    public JToken? Params { get; }

    /// <summary>The method's timeout: how long the handler has before its caller gets <c>-32001</c>.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Publishes to a topic, as <see cref="IHub.NotifyAsync"/> does.</summary>
    public Task NotifyAsync(string topic, object? data, bool retain = false, CancellationToken cancellationToken = default) =>
        _hub.NotifyAsync(topic, data, retain, cancellationToken);

    /// <summary>
    /// Calls a method on the calling client (PROTOCOL.md section 7) and returns its result.
    /// </summary>
    /// <param name="method">The client-side method name.</param>
    /// <param name="parameters">Params: an array or object (anything Newtonsoft.Json serializes to one), or null.</param>
    /// <param name="timeout">How long to wait for the client's answer; default: this call's <see cref="Timeout"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="HubRpcException">The client answered with an error.</exception>
    /// <exception cref="TimeoutException">The client did not answer in time.</exception>
    /// <exception cref="InvalidOperationException">The call came over HTTP, or the connection has closed.</exception>
    /// <exception cref="ArgumentException">Params are not an array or object, or the call cannot be written as JSON (NaN, Infinity, a lone surrogate).</exception>
    /// <exception cref="HubPayloadTooLargeException">The client is on another node and the call is too large to get there.</exception>
    public async Task<JToken> CallClientAsync(string method, object? parameters = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (_connection is null)
        {
            throw new InvalidOperationException("Calls over HTTP have no client to call back.");
        }

        var token = parameters is null ? null : parameters as JToken ?? JToken.FromObject(parameters);
        if (token is not null and not (JArray or JObject))
        {
            throw new ArgumentException("Params must serialize to a JSON array or object.", nameof(parameters));
        }

        try
        {
            // Written once here, where the handler hears of it; the connection actor that writes the call would
            // otherwise fail on it, closing the client's connection and leaving this call to time out.
            _ = JsonRpcEncoder.Request(RequestId.Null, method, token);
        }
        catch (JsonWriteException ex)
        {
            throw new ArgumentException("The call cannot be written as JSON: " + ex.Message, ex);
        }

        return await _clientCaller.CallAsync(_connection, ConnectionId, method, token, timeout ?? Timeout, cancellationToken).ConfigureAwait(false);
    }
}
