using Akka.Actor;
using Hub.Cluster;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>Asks a connection actor to call its client (<see cref="ConnectionProtocol.CallClient"/>) and reads its answer.</summary>
internal sealed class ClientCaller(ClusterPayload payload) : IClientCaller
{
    public async Task<JToken> CallAsync(IActorRef connection, string connectionId, string method, JToken? parameters, TimeSpan timeout, CancellationToken cancellationToken)
    {
        payload.CheckCallClient(connection, connectionId, method, parameters);
        object reply;
        try
        {
            reply = await connection.Ask(new ConnectionProtocol.CallClient(method, parameters), timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException ex)
        {
            throw new TimeoutException($"The client did not answer '{method}' within {timeout}.", ex);
        }

        return reply switch
        {
            ConnectionProtocol.ClientAnswered { Error: { } error } => throw HubRpcException.FromError(error),
            ConnectionProtocol.ClientAnswered answered => answered.Result ?? JValue.CreateNull(),
            ConnectionProtocol.ClientUnavailable unavailable => throw new InvalidOperationException(unavailable.Reason),
            _ => throw new InvalidOperationException("Unexpected answer " + reply.GetType().Name),
        };
    }
}
