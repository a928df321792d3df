using Akka.Actor;
using Newtonsoft.Json.Linq;

namespace Hub;

/// <summary>
/// How a method's <see cref="HubCallContext"/> calls its client back (PROTOCOL.md section 7): given to the method
/// actors by the engine, implemented by the connections, so the context names neither.
/// </summary>
internal interface IClientCaller
{
    /// <summary>Calls <paramref name="method"/> on the client of <paramref name="connection"/> and returns its result.</summary>
    /// <exception cref="HubRpcException">The client answered with an error.</exception>
    /// <exception cref="TimeoutException">The client did not answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The connection has closed.</exception>
    /// <exception cref="HubPayloadTooLargeException">The client is on another node and the call is too large to get there.</exception>
    Task<JToken> CallAsync(IActorRef connection, string connectionId, string method, JToken? parameters, TimeSpan timeout, CancellationToken cancellationToken);
}
