using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// Calls and notifications from the client to the server.
public sealed partial class HubClient
{
    /// <summary>Calls <paramref name="method"/> without params and converts its result to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The result's type. A JSON <c>null</c> result gives <see langword="null"/> for reference and
    /// nullable types (so ask for <c>string?</c> when null may come back); <see cref="JToken"/> gives the raw result.</typeparam>
    /// <param name="method">The method's name.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="HubRpcException">The server answered with an error.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.DefaultTimeout"/> (a wait for a
    /// reconnect included).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">The result does not convert to <typeparamref name="T"/>.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// var pong = await client.CallAsync&lt;string&gt;("ping");
    /// </code>
    /// </example>
    public Task<T> CallAsync<T>(string method, CancellationToken cancellationToken = default) =>
        CallAsync<T>(HubCallOptions.None, method, cancellationToken);

    /// <summary>
    /// Calls <paramref name="method"/> with params by position (a JSON array, each value serialized with
    /// <see cref="HubClientOptions.SerializerSettings"/>) and converts its result to <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">The result's type; see <see cref="CallAsync{T}(string, CancellationToken)"/>.</typeparam>
    /// <param name="method">The method's name.</param>
    /// <param name="positionalParams">The params in order. <see langword="null"/> sends no <c>params</c> member; an
    /// empty array sends <c>[]</c>. To pass one array as a single param, wrap it: <c>[values]</c>.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="HubRpcException">The server answered with an error, such as -32602 when the params do not bind.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.DefaultTimeout"/> (a wait for a
    /// reconnect included).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">A param cannot be serialized, or the result does not convert to <typeparamref name="T"/>.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// var sum = await client.CallAsync&lt;int&gt;("add", [2, 3]);
    /// </code>
    /// </example>
    public Task<T> CallAsync<T>(string method, object?[]? positionalParams, CancellationToken cancellationToken = default) =>
        CallAsync<T>(HubCallOptions.None, method, positionalParams, cancellationToken);

    /// <summary>
    /// Calls <paramref name="method"/> with params by name (a JSON object) and converts its result to <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">The result's type; see <see cref="CallAsync{T}(string, CancellationToken)"/>.</typeparam>
    /// <param name="method">The method's name.</param>
    /// <param name="namedParams">Anything that serializes to a JSON object: an anonymous object, a dictionary with
    /// string keys, a <see cref="JObject"/>, a class instance. Serialized with <see cref="HubClientOptions.SerializerSettings"/>.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="namedParams"/> does not serialize to a JSON object.</exception>
    /// <exception cref="HubRpcException">The server answered with an error, such as -32602 when the params do not bind.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.DefaultTimeout"/> (a wait for a
    /// reconnect included).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">The params cannot be serialized, or the result does not convert to <typeparamref name="T"/>.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// var difference = await client.CallByNameAsync&lt;int&gt;("subtract", new { minuend = 42, subtrahend = 23 });
    /// </code>
    /// </example>
    public Task<T> CallByNameAsync<T>(string method, object namedParams, CancellationToken cancellationToken = default) =>
        CallByNameAsync<T>(HubCallOptions.None, method, namedParams, cancellationToken);

    /// <summary>Calls <paramref name="method"/> without params and returns its result as JSON.</summary>
    /// <param name="method">The method's name.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The result as it arrived; a JSON <c>null</c> result is a <see cref="JValue"/> of type
    /// <see cref="JTokenType.Null"/>. Strings stay strings (no date parsing) and non-integers are doubles.</returns>
    /// <exception cref="HubRpcException">The server answered with an error.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.DefaultTimeout"/> (a wait for a
    /// reconnect included).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// JToken data = await client.CallAsync("get_data");   // ["hello",5]
    /// </code>
    /// </example>
    public Task<JToken> CallAsync(string method, CancellationToken cancellationToken = default) =>
        CallAsync(HubCallOptions.None, method, cancellationToken);

    /// <summary>Calls <paramref name="method"/> with params by position and returns its result as JSON.</summary>
    /// <param name="method">The method's name.</param>
    /// <param name="positionalParams">The params in order; see <see cref="CallAsync{T}(string, object?[], CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The result as it arrived; see <see cref="CallAsync(string, CancellationToken)"/>.</returns>
    /// <exception cref="HubRpcException">The server answered with an error.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.DefaultTimeout"/> (a wait for a
    /// reconnect included).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// JToken echoed = await client.CallAsync("echo", [1, "two", new { three = 3 }]);
    /// </code>
    /// </example>
    public Task<JToken> CallAsync(string method, object?[]? positionalParams, CancellationToken cancellationToken = default) =>
        CallAsync(HubCallOptions.None, method, positionalParams, cancellationToken);

    /// <summary>Calls <paramref name="method"/> with params by name and returns its result as JSON.</summary>
    /// <param name="method">The method's name.</param>
    /// <param name="namedParams">Anything that serializes to a JSON object; see <see cref="CallByNameAsync{T}(string, object, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The result as it arrived; see <see cref="CallAsync(string, CancellationToken)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="namedParams"/> does not serialize to a JSON object.</exception>
    /// <exception cref="HubRpcException">The server answered with an error.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.DefaultTimeout"/> (a wait for a
    /// reconnect included).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">The params cannot be serialized.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// JToken subscriptions = await client.CallByNameAsync("subscribe", new { topics = new[] { "demo" } });
    /// </code>
    /// </example>
    public Task<JToken> CallByNameAsync(string method, object namedParams, CancellationToken cancellationToken = default) =>
        CallByNameAsync(HubCallOptions.None, method, namedParams, cancellationToken);

    /// <summary>
    /// Sends a JSON-RPC notification (a message without <c>id</c>): the server runs <paramref name="method"/> and
    /// never answers, not even with an error. Completes once the message is sent.
    /// </summary>
    /// <param name="method">The method's name.</param>
    /// <param name="positionalParams">The params in order; <see langword="null"/> (the default) sends no <c>params</c> member.</param>
    /// <param name="cancellationToken">Cancels waiting for the turn to send; a message already being sent is sent whole.</param>
    /// <returns>A task that completes when the message is handed to the socket.</returns>
    /// <exception cref="HubConnectionException">The connection was lost while sending, the client is reconnecting and
    /// calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="TimeoutException">Not sent within <see cref="HubClientOptions.DefaultTimeout"/> (waiting for a
    /// reconnect).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before sending.</exception>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// await client.NotifyAsync("update", [1, 2, 3, 4, 5]);
    /// </code>
    /// </example>
    public Task NotifyAsync(string method, object?[]? positionalParams = null, CancellationToken cancellationToken = default) =>
        NotifyAsync(HubCallOptions.None, method, positionalParams, cancellationToken);

    /// <summary>Sends a JSON-RPC notification with params by name; see <see cref="NotifyAsync(string, object?[], CancellationToken)"/>.</summary>
    /// <param name="method">The method's name.</param>
    /// <param name="namedParams">Anything that serializes to a JSON object; see <see cref="CallByNameAsync{T}(string, object, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Cancels waiting for the turn to send; a message already being sent is sent whole.</param>
    /// <returns>A task that completes when the message is handed to the socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="namedParams"/> does not serialize to a JSON object.</exception>
    /// <exception cref="HubConnectionException">The connection was lost while sending, the client is reconnecting and
    /// calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="TimeoutException">Not sent within <see cref="HubClientOptions.DefaultTimeout"/> (waiting for a
    /// reconnect).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before sending.</exception>
    /// <exception cref="JsonException">The params cannot be serialized.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// await client.NotifyByNameAsync("log", new { level = "info", text = "started" });
    /// </code>
    /// </example>
    public Task NotifyByNameAsync(string method, object namedParams, CancellationToken cancellationToken = default) =>
        NotifyByNameAsync(HubCallOptions.None, method, namedParams, cancellationToken);

    internal static JArray? Positional(JsonSerializer serializer, object?[]? values)
    {
        if (values is null)
        {
            return null;
        }

        var array = new JArray();
        foreach (var value in values)
        {
            array.Add(MessageWriter.ToToken(serializer, value));
        }

        return array;
    }

    internal static JObject Named(JsonSerializer serializer, object namedParams)
    {
        ArgumentNullException.ThrowIfNull(namedParams);
        return MessageWriter.ToToken(serializer, namedParams) as JObject
            ?? throw new ArgumentException("Params by name must serialize to a JSON object.", nameof(namedParams));
    }

    internal static T ConvertResult<T>(JsonSerializer serializer, JToken result)
    {
        if (typeof(JToken).IsAssignableFrom(typeof(T)) && result is T token)
        {
            return token;
        }

        return result.ToObject<T>(serializer)!;
    }

    private async Task<JToken> InvokeAsync(
        JsonSerializer serializer,
        string method,
        JToken? parameters,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        ClientConnection? only = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfUnusable();

        var id = Interlocked.Increment(ref _lastId);
        var frame = MessageWriter.Request(serializer, method, parameters, id);
        using var deadline = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout);
        using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked?.Token ?? cancellationToken;
        try
        {
            while (true)
            {
                var connection = only ?? await GetConnectionAsync(token).ConfigureAwait(false);
                var reply = new TaskCompletionSource<JToken>(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.Pending[id] = reply;
                try
                {
                    if (await connection.TrySendAsync(frame, token).ConfigureAwait(false))
                    {
                        return await reply.Task.WaitAsync(token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    // A reply that comes after this finds no pending call and is dropped.
                    connection.Pending.TryRemove(id, out _);
                }

                await NextConnectionAsync(connection, reply, only, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"The call to '{method}' (id {id}) was cancelled.", e, cancellationToken);
        }
        catch (OperationCanceledException e) when (deadline is { IsCancellationRequested: true })
        {
            throw new TimeoutException($"The call to '{method}' (id {id}) got no reply within {timeout}.", e);
        }
    }

    /// <summary>Sends one frame that expects no reply (a notification), waiting for a reconnect by option.</summary>
    private async Task SendWithoutReplyAsync(ReadOnlyMemory<byte> frame, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfUnusable();
        using var deadline = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout);
        using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked?.Token ?? cancellationToken;
        try
        {
            while (true)
            {
                var connection = await GetConnectionAsync(token).ConfigureAwait(false);
                if (await connection.TrySendAsync(frame, token).ConfigureAwait(false))
                {
                    return;
                }

                await NextConnectionAsync(connection, reply: null, only: null, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && deadline is { IsCancellationRequested: true })
        {
            throw new TimeoutException($"The message could not be sent within {timeout}.", e);
        }
    }

    /// <summary>
    /// After a connection ended before a frame could leave on it: nothing reached the server, so the frame may go on
    /// the next connection. Waits until the client has taken in the loss (its state has moved on), unless the frame
    /// belongs to <paramref name="only"/> this connection.
    /// </summary>
    private static async Task NextConnectionAsync(ClientConnection ended, TaskCompletionSource<JToken>? reply, ClientConnection? only, CancellationToken cancellationToken)
    {
        // The loss may have failed this attempt's reply; nobody awaits it, so mark the failure seen.
        _ = reply?.Task.Exception;
        if (only is not null)
        {
            throw ended.CreateException();
        }

        await ended.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
