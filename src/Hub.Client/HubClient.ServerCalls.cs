using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// Server-to-client calls (PROTOCOL.md section 7): requests from the server, with ids such as "s:1".
public sealed partial class HubClient
{
    /// <summary>
    /// Serves <paramref name="method"/> when the server calls it on this client (PROTOCOL.md section 7). The
    /// handler gets the request's <c>params</c> (<see langword="null"/> when absent) and returns the result, which is
    /// serialized with <see cref="HubClientOptions.SerializerSettings"/>. Registering a method again replaces its handler.
    /// </summary>
    /// <remarks>
    /// Each call runs on the thread pool, concurrently with others and off the receive loop, so a handler may call
    /// the server; at most <see cref="HubClientOptions.MaxServerCallsInFlight"/> at once, a call past it answered
    /// -32002 <c>Too many requests</c>. A handler that throws <see cref="HubRpcException"/> answers with its code,
    /// message and data; any other exception answers -32603 <c>Internal error</c> (and goes to <see cref="HubClientOptions.OnHandlerError"/>).
    /// Calls to methods without a handler are answered -32601 <c>Method not found</c>. A lambda returning a bare
    /// <see langword="null"/> binds to this overload (as a null task, answered -32603); write <c>_ =&gt; (object?)null</c>.
    /// </remarks>
    /// <param name="method">The method's name, as the server calls it.</param>
    /// <param name="handler">Computes the result from the params.</param>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// client.On("confirm", async question =>
    /// {
    ///     var text = question?["text"]?.ToString();
    ///     return await dialog.AskAsync(text);
    /// });
    /// </code>
    /// </example>
    public void On(string method, Func<JToken?, Task<object?>> handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        _serverMethods[method] = handler;
    }

    /// <summary>
    /// Serves <paramref name="method"/> with a synchronous handler; otherwise the same as
    /// <see cref="On(string, Func{JToken?, Task{object?}})"/>. A handler that returns a <see cref="Task"/> belongs in
    /// that overload: returned here, it answers -32603.
    /// </summary>
    /// <param name="method">The method's name, as the server calls it.</param>
    /// <param name="handler">Computes the result from the params.</param>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> or <paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// client.On("client_version", _ => "1.0.0");
    /// </code>
    /// </example>
    public void On(string method, Func<JToken?, object?> handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        _serverMethods[method] = parameters =>
        {
            var result = handler(parameters);
            return result is Task
                ? throw new InvalidOperationException($"The synchronous handler of '{method}' returned a Task; register it with the asynchronous On overload.")
                : Task.FromResult(result);
        };
    }

    private void ServeServerCall(ClientConnection connection, string method, JToken? parameters, RequestId id)
    {
        if (Interlocked.Increment(ref _serverCallsInFlight) > _maxServerCallsInFlight)
        {
            Interlocked.Decrement(ref _serverCallsInFlight);
            HubClientLog.TooManyServerCalls(_logger, connection.Endpoint, _maxServerCallsInFlight);
            _ = AnswerAsync(connection, JsonRpcEncoder.Failure(id, JsonRpcError.TooManyRequests));
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await AnswerAsync(connection, await ServeAsync(method, parameters, id).ConfigureAwait(false)).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _serverCallsInFlight);
            }
        });
    }

    /// <summary>Runs the handler of <paramref name="method"/> and makes its reply; never throws.</summary>
    private async Task<byte[]> ServeAsync(string method, JToken? parameters, RequestId id)
    {
        if (!_serverMethods.TryGetValue(method, out var handler))
        {
            return JsonRpcEncoder.Failure(id, JsonRpcError.MethodNotFound);
        }

        try
        {
            var pending = handler(parameters)
                ?? throw new InvalidOperationException($"The handler of '{method}' returned a null Task; to answer null, return (object?)null from a synchronous handler.");
            var result = await pending.ConfigureAwait(false);
            return JsonRpcEncoder.Success(id, OutgoingMessages.ToToken(_serializer, result));
        }
        catch (HubRpcException e)
        {
            return Failure(method, id, e);
        }
        catch (Exception e)
        {
            // Whatever the handler threw, or a result JSON cannot hold (NaN, a lone surrogate).
            ReportHandlerError(method, e);
            return JsonRpcEncoder.Failure(id, JsonRpcError.InternalError);
        }
    }

    /// <summary>Sends a reply on the connection the call came on: the server's call ids mean nothing on another.</summary>
    private static async Task AnswerAsync(ClientConnection connection, byte[] reply)
    {
        try
        {
            await connection.SendAsync(reply, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HubConnectionException)
        {
            // The connection ended while the handler ran: there is nobody left to answer.
        }
    }

    /// <summary>The reply to a handler's <see cref="HubRpcException"/>: its code, message and data, or -32603 when JSON cannot hold them.</summary>
    private byte[] Failure(string method, RequestId id, HubRpcException exception)
    {
        try
        {
            var data = exception.ErrorData is null ? null : OutgoingMessages.ToToken(_serializer, exception.ErrorData);
            return JsonRpcEncoder.Failure(id, new JsonRpcError(exception.Code, exception.Message, data));
        }
        catch (Exception e) when (e is ArgumentException or JsonWriteException)
        {
            ReportHandlerError(method, e);
            return JsonRpcEncoder.Failure(id, JsonRpcError.InternalError);
        }
    }
}
