using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// Calls and notifications from the client to the server.
public sealed partial class HubClient
{
    /// <summary>Calls <paramref name="method"/> without params and converts its result to <typeparamref name="T"/>.</summary>
    /// <include file="HubClient.Calls.xml" path="docs/result-type/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout/*"/>
    /// <returns>The call's result.</returns>
    /// <exception cref="JsonException">The result does not convert to <typeparamref name="T"/>.</exception>
    /// <example>
    /// <code>
    /// var pong = await client.CallAsync&lt;string&gt;("ping");
    /// </code>
    /// </example>
    public Task<T> CallAsync<T>(string method, CancellationToken cancellationToken = default) =>
        CallAsync<T>(HubCallOptions.None, method, cancellationToken);

    /// <summary>Calls <paramref name="method"/> with params by position (a JSON array) and converts its result to <typeparamref name="T"/>.</summary>
    /// <include file="HubClient.Calls.xml" path="docs/result-type/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/positional/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout/*"/>
    /// <returns>The call's result.</returns>
    /// <exception cref="JsonException">A param cannot be serialized, or the result does not convert to <typeparamref name="T"/>.</exception>
    /// <example>
    /// <code>
    /// var sum = await client.CallAsync&lt;int&gt;("add", [2, 3]);
    /// </code>
    /// </example>
    public Task<T> CallAsync<T>(string method, object?[]? positionalParams, CancellationToken cancellationToken = default) =>
        CallAsync<T>(HubCallOptions.None, method, positionalParams, cancellationToken);

    /// <summary>Calls <paramref name="method"/> with params by name (a JSON object) and converts its result to <typeparamref name="T"/>.</summary>
    /// <include file="HubClient.Calls.xml" path="docs/result-type/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/named/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout/*"/>
    /// <returns>The call's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The params cannot be serialized, or the result does not convert to <typeparamref name="T"/>.</exception>
    /// <example>
    /// <code>
    /// var difference = await client.CallByNameAsync&lt;int&gt;("subtract", new { minuend = 42, subtrahend = 23 });
    /// </code>
    /// </example>
    public Task<T> CallByNameAsync<T>(string method, object namedParams, CancellationToken cancellationToken = default) =>
        CallByNameAsync<T>(HubCallOptions.None, method, namedParams, cancellationToken);

    /// <summary>Calls <paramref name="method"/> without params and returns its result as JSON.</summary>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/json-result/*"/>
    /// <example>
    /// <code>
    /// JToken data = await client.CallAsync("get_data");   // ["hello",5]
    /// </code>
    /// </example>
    public Task<JToken> CallAsync(string method, CancellationToken cancellationToken = default) =>
        CallAsync(HubCallOptions.None, method, cancellationToken);

    /// <summary>Calls <paramref name="method"/> with params by position and returns its result as JSON.</summary>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/positional/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/json-result/*"/>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
    /// <example>
    /// <code>
    /// JToken echoed = await client.CallAsync("echo", [1, "two", new { three = 3 }]);
    /// </code>
    /// </example>
    public Task<JToken> CallAsync(string method, object?[]? positionalParams, CancellationToken cancellationToken = default) =>
        CallAsync(HubCallOptions.None, method, positionalParams, cancellationToken);

    /// <summary>Calls <paramref name="method"/> with params by name and returns its result as JSON.</summary>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/named/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/json-result/*"/>
    /// <exception cref="ArgumentNullException"><paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The params cannot be serialized.</exception>
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
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/positional/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/send/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/send-timeout/*"/>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
    /// <example>
    /// <code>
    /// await client.NotifyAsync("update", [1, 2, 3, 4, 5]);
    /// </code>
    /// </example>
    public Task NotifyAsync(string method, object?[]? positionalParams = null, CancellationToken cancellationToken = default) =>
        NotifyAsync(HubCallOptions.None, method, positionalParams, cancellationToken);

    /// <summary>Sends a JSON-RPC notification with params by name; see <see cref="NotifyAsync(string, object?[], CancellationToken)"/>.</summary>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/named/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/send/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/send-timeout/*"/>
    /// <exception cref="ArgumentNullException"><paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The params cannot be serialized.</exception>
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
            array.Add(OutgoingMessages.ToToken(serializer, value));
        }

        return array;
    }

    internal static JObject Named(JsonSerializer serializer, object namedParams)
    {
        ArgumentNullException.ThrowIfNull(namedParams);
        return OutgoingMessages.ToToken(serializer, namedParams) as JObject
            ?? throw new ArgumentException("Params by name must serialize to a JSON object.", nameof(namedParams));
    }

    internal static T ConvertResult<T>(JsonSerializer serializer, JToken result)
    {
        if (typeof(JToken).IsAssignableFrom(typeof(T)) && result is T token)
        {
            return token;
        }

        // A string result read as a string needs no reader and no serializer, unless a converter of the user's may
        // read strings its own way.
        if (typeof(T) == typeof(string) && result.Type == JTokenType.String && serializer.Converters.Count == 0)
        {
            return (T)(object)(string)result!;
        }

        return result.ToObject<T>(serializer)!;
    }

    private Task<JToken> InvokeAsync(string method, JToken? parameters, TimeSpan timeout, CancellationToken cancellationToken, ClientConnection? only = null) =>
        InvokeAsync<JToken>(method, parameters, timeout, cancellationToken, only);

    /// <summary>A call: sent, its reply awaited and converted to <typeparamref name="T"/>, in one state machine.</summary>
    private async Task<T> InvokeAsync<T>(
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
        var frame = OutgoingMessages.Request(method, parameters, id);

        // No timer and no token source per call: the connection's sweep times calls out, and only a token that can be
        // cancelled gets a registration. A wait for a connection (reconnecting) takes the slow path with a source.
        var deadline = PendingCall.DeadlineOf(timeout);
        CancellationTokenSource? slow = null;
        try
        {
            while (true)
            {
                var connection = only ?? TryGetConnection();
                if (connection is null)
                {
                    slow ??= SlowWait(deadline, cancellationToken);
                    connection = await GetConnectionAsync(slow.Token).ConfigureAwait(false);
                }

                var call = new PendingCall(id, method, timeout, deadline);
                connection.Pending[id] = call;
                try
                {
                    if (connection.TryQueueCall(frame, call))
                    {
                        using var registration = cancellationToken.CanBeCanceled
                            ? cancellationToken.UnsafeRegister(static (state, token) => ((PendingCall)state!).TrySetCanceled(token), call)
                            : default;
                        try
                        {
                            connection.WatchDeadline(call);
                            return ConvertResult<T>(_serializer, await call.Task.ConfigureAwait(false));
                        }
                        finally
                        {
                            connection.CallEnded();
                        }
                    }
                }
                catch (CallNotSentException)
                {
                    // The connection ended before the frame left: it goes on the next one.
                }
                finally
                {
                    // A reply that comes after this finds no pending call and is dropped.
                    connection.Pending.TryRemove(new KeyValuePair<long, TaskCompletionSource<JToken>>(id, call));
                }

                slow ??= SlowWait(deadline, cancellationToken);
                await NextConnectionAsync(connection, reply: null, only, slow.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"The call to '{method}' (id {id}) was cancelled.", e, cancellationToken);
        }
        catch (OperationCanceledException e) when (slow is { IsCancellationRequested: true })
        {
            throw new TimeoutException($"The call to '{method}' (id {id}) got no reply within {timeout}.", e);
        }
        finally
        {
            slow?.Dispose();
        }
    }

    /// <summary>
    /// For the slow path of a call, a wait for a connection: cancelled with <paramref name="cancellationToken"/> or at
    /// <paramref name="deadline"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp; never for <see cref="long.MaxValue"/>).
    /// </summary>
    private static CancellationTokenSource SlowWait(long deadline, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (deadline != long.MaxValue)
        {
            var left = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), deadline);
            source.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        return source;
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
