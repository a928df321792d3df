using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// The call and notify methods again, each with per-call options first (see HubCallOptions for why first).
public sealed partial class HubClient
{
    /// <summary>
    /// Calls <paramref name="method"/> without params, as <see cref="CallAsync{T}(string, CancellationToken)"/> does,
    /// with <paramref name="options"/> (such as its own timeout) for this call alone.
    /// </summary>
    /// <typeparam name="T">The result's type; see <see cref="CallAsync{T}(string, CancellationToken)"/>.</typeparam>
    /// <param name="options">This call's options; <see cref="HubCallOptions.Timeout"/> overrides
    /// <see cref="HubClientOptions.DefaultTimeout"/>.</param>
    /// <param name="method">The method's name.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">No reply within the options' timeout (a wait for a reconnect included); a
    /// reply arriving later is ignored.</exception>
    /// <exception cref="HubRpcException">The server answered with an error.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">The result does not convert to <typeparamref name="T"/>.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// var pong = await client.CallAsync&lt;string&gt;(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) }, "ping");
    /// </code>
    /// </example>
    public async Task<T> CallAsync<T>(HubCallOptions options, string method, CancellationToken cancellationToken = default)
    {
        var timeout = TimeoutOf(options);
        var serializer = CreateSerializer();
        var result = await InvokeAsync(serializer, method, parameters: null, timeout, cancellationToken).ConfigureAwait(false);
        return ConvertResult<T>(serializer, result);
    }

    /// <summary>
    /// Calls <paramref name="method"/> with params by position, as
    /// <see cref="CallAsync{T}(string, object?[], CancellationToken)"/> does, with <paramref name="options"/> (such as
    /// its own timeout) for this call alone.
    /// </summary>
    /// <typeparam name="T">The result's type; see <see cref="CallAsync{T}(string, CancellationToken)"/>.</typeparam>
    /// <param name="options">This call's options; <see cref="HubCallOptions.Timeout"/> overrides
    /// <see cref="HubClientOptions.DefaultTimeout"/>.</param>
    /// <param name="method">The method's name.</param>
    /// <param name="positionalParams">The params in order; see <see cref="CallAsync{T}(string, object?[], CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">No reply within the options' timeout (a wait for a reconnect included); a
    /// reply arriving later is ignored.</exception>
    /// <exception cref="HubRpcException">The server answered with an error, such as -32602 when the params do not bind.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">A param cannot be serialized, or the result does not convert to <typeparamref name="T"/>.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// var quick = new HubCallOptions { Timeout = TimeSpan.FromSeconds(2) };
    /// var sum = await client.CallAsync&lt;int&gt;(quick, "add", [2, 3]);
    /// </code>
    /// </example>
    public async Task<T> CallAsync<T>(HubCallOptions options, string method, object?[]? positionalParams, CancellationToken cancellationToken = default)
    {
        var timeout = TimeoutOf(options);
        var serializer = CreateSerializer();
        var result = await InvokeAsync(serializer, method, Positional(serializer, positionalParams), timeout, cancellationToken).ConfigureAwait(false);
        return ConvertResult<T>(serializer, result);
    }

    /// <summary>
    /// Calls <paramref name="method"/> with params by name, as
    /// <see cref="CallByNameAsync{T}(string, object, CancellationToken)"/> does, with <paramref name="options"/> (such
    /// as its own timeout) for this call alone.
    /// </summary>
    /// <typeparam name="T">The result's type; see <see cref="CallAsync{T}(string, CancellationToken)"/>.</typeparam>
    /// <param name="options">This call's options; <see cref="HubCallOptions.Timeout"/> overrides
    /// <see cref="HubClientOptions.DefaultTimeout"/>.</param>
    /// <param name="method">The method's name.</param>
    /// <param name="namedParams">Anything that serializes to a JSON object; see <see cref="CallByNameAsync{T}(string, object, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="method"/> or
    /// <paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="namedParams"/> does not serialize to a JSON object.</exception>
    /// <exception cref="TimeoutException">No reply within the options' timeout (a wait for a reconnect included); a
    /// reply arriving later is ignored.</exception>
    /// <exception cref="HubRpcException">The server answered with an error, such as -32602 when the params do not bind.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">The params cannot be serialized, or the result does not convert to <typeparamref name="T"/>.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// var difference = await client.CallByNameAsync&lt;int&gt;(
    ///     new HubCallOptions { Timeout = TimeSpan.FromSeconds(2) }, "subtract", new { minuend = 42, subtrahend = 23 });
    /// </code>
    /// </example>
    public async Task<T> CallByNameAsync<T>(HubCallOptions options, string method, object namedParams, CancellationToken cancellationToken = default)
    {
        var timeout = TimeoutOf(options);
        var serializer = CreateSerializer();
        var result = await InvokeAsync(serializer, method, Named(serializer, namedParams), timeout, cancellationToken).ConfigureAwait(false);
        return ConvertResult<T>(serializer, result);
    }

    /// <summary>
    /// Calls <paramref name="method"/> without params and returns its result as JSON, as
    /// <see cref="CallAsync(string, CancellationToken)"/> does, with <paramref name="options"/> (such as its own
    /// timeout) for this call alone.
    /// </summary>
    /// <param name="options">This call's options; <see cref="HubCallOptions.Timeout"/> overrides
    /// <see cref="HubClientOptions.DefaultTimeout"/>.</param>
    /// <param name="method">The method's name.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The result as it arrived; see <see cref="CallAsync(string, CancellationToken)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">No reply within the options' timeout (a wait for a reconnect included); a
    /// reply arriving later is ignored.</exception>
    /// <exception cref="HubRpcException">The server answered with an error.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// JToken data = await client.CallAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) }, "get_data");
    /// </code>
    /// </example>
    public async Task<JToken> CallAsync(HubCallOptions options, string method, CancellationToken cancellationToken = default)
    {
        var timeout = TimeoutOf(options);
        return await InvokeAsync(CreateSerializer(), method, parameters: null, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Calls <paramref name="method"/> with params by position and returns its result as JSON, as
    /// <see cref="CallAsync(string, object?[], CancellationToken)"/> does, with <paramref name="options"/> (such as
    /// its own timeout) for this call alone.
    /// </summary>
    /// <param name="options">This call's options; <see cref="HubCallOptions.Timeout"/> overrides
    /// <see cref="HubClientOptions.DefaultTimeout"/>.</param>
    /// <param name="method">The method's name.</param>
    /// <param name="positionalParams">The params in order; see <see cref="CallAsync{T}(string, object?[], CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The result as it arrived; see <see cref="CallAsync(string, CancellationToken)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">No reply within the options' timeout (a wait for a reconnect included); a
    /// reply arriving later is ignored.</exception>
    /// <exception cref="HubRpcException">The server answered with an error.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// JToken slept = await client.CallAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(5) }, "sleep", [1000]);
    /// </code>
    /// </example>
    public async Task<JToken> CallAsync(HubCallOptions options, string method, object?[]? positionalParams, CancellationToken cancellationToken = default)
    {
        var timeout = TimeoutOf(options);
        var serializer = CreateSerializer();
        return await InvokeAsync(serializer, method, Positional(serializer, positionalParams), timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Calls <paramref name="method"/> with params by name and returns its result as JSON, as
    /// <see cref="CallByNameAsync(string, object, CancellationToken)"/> does, with <paramref name="options"/> (such as
    /// its own timeout) for this call alone.
    /// </summary>
    /// <param name="options">This call's options; <see cref="HubCallOptions.Timeout"/> overrides
    /// <see cref="HubClientOptions.DefaultTimeout"/>.</param>
    /// <param name="method">The method's name.</param>
    /// <param name="namedParams">Anything that serializes to a JSON object; see <see cref="CallByNameAsync{T}(string, object, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Abandons the call; a reply arriving later is ignored.</param>
    /// <returns>The result as it arrived; see <see cref="CallAsync(string, CancellationToken)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="method"/> or
    /// <paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="namedParams"/> does not serialize to a JSON object.</exception>
    /// <exception cref="TimeoutException">No reply within the options' timeout (a wait for a reconnect included); a
    /// reply arriving later is ignored.</exception>
    /// <exception cref="HubRpcException">The server answered with an error.</exception>
    /// <exception cref="HubConnectionException">The connection was lost before the reply arrived, the client is
    /// reconnecting and calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="JsonException">The params cannot be serialized.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// JToken echoed = await client.CallByNameAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) }, "echo", new { text = "hi" });
    /// </code>
    /// </example>
    public async Task<JToken> CallByNameAsync(HubCallOptions options, string method, object namedParams, CancellationToken cancellationToken = default)
    {
        var timeout = TimeoutOf(options);
        var serializer = CreateSerializer();
        return await InvokeAsync(serializer, method, Named(serializer, namedParams), timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a JSON-RPC notification with params by position, as
    /// <see cref="NotifyAsync(string, object?[], CancellationToken)"/> does, with <paramref name="options"/> for this
    /// message alone. A notification has no reply to wait for: <see cref="HubCallOptions.Timeout"/> bounds the wait to
    /// send it (for the socket, or for a reconnect).
    /// </summary>
    /// <param name="options">This message's options; <see cref="HubCallOptions.Timeout"/> overrides
    /// <see cref="HubClientOptions.DefaultTimeout"/>.</param>
    /// <param name="method">The method's name.</param>
    /// <param name="positionalParams">The params in order; <see langword="null"/> (the default) sends no <c>params</c> member.</param>
    /// <param name="cancellationToken">Cancels waiting for the turn to send; a message already being sent is sent whole.</param>
    /// <returns>A task that completes when the message is handed to the socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">Not sent within the options' timeout (waiting for a reconnect).</exception>
    /// <exception cref="HubConnectionException">The connection was lost while sending, the client is reconnecting and
    /// calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before sending.</exception>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// // Worth sending only if it leaves soon, not after a long reconnect.
    /// await client.NotifyAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) }, "update", [1, 2, 3]);
    /// </code>
    /// </example>
    public async Task NotifyAsync(HubCallOptions options, string method, object?[]? positionalParams = null, CancellationToken cancellationToken = default)
    {
        var timeout = TimeoutOf(options);
        ArgumentNullException.ThrowIfNull(method);
        var serializer = CreateSerializer();
        var frame = MessageWriter.Request(serializer, method, Positional(serializer, positionalParams), id: null);
        await SendWithoutReplyAsync(frame, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a JSON-RPC notification with params by name, as
    /// <see cref="NotifyByNameAsync(string, object, CancellationToken)"/> does, with <paramref name="options"/> for
    /// this message alone; <see cref="HubCallOptions.Timeout"/> bounds the wait to send it.
    /// </summary>
    /// <param name="options">This message's options; <see cref="HubCallOptions.Timeout"/> overrides
    /// <see cref="HubClientOptions.DefaultTimeout"/>.</param>
    /// <param name="method">The method's name.</param>
    /// <param name="namedParams">Anything that serializes to a JSON object; see <see cref="CallByNameAsync{T}(string, object, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Cancels waiting for the turn to send; a message already being sent is sent whole.</param>
    /// <returns>A task that completes when the message is handed to the socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="method"/> or
    /// <paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="namedParams"/> does not serialize to a JSON object.</exception>
    /// <exception cref="TimeoutException">Not sent within the options' timeout (waiting for a reconnect).</exception>
    /// <exception cref="HubConnectionException">The connection was lost while sending, the client is reconnecting and
    /// calls fail fast, or the client has stopped for good.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before sending.</exception>
    /// <exception cref="JsonException">The params cannot be serialized.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">The client was not started.</exception>
    /// <example>
    /// <code>
    /// await client.NotifyByNameAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) }, "log", new { level = "info", text = "started" });
    /// </code>
    /// </example>
    public async Task NotifyByNameAsync(HubCallOptions options, string method, object namedParams, CancellationToken cancellationToken = default)
    {
        var timeout = TimeoutOf(options);
        ArgumentNullException.ThrowIfNull(method);
        var serializer = CreateSerializer();
        var frame = MessageWriter.Request(serializer, method, Named(serializer, namedParams), id: null);
        await SendWithoutReplyAsync(frame, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The timeout a call with <paramref name="options"/> gets.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    internal TimeSpan TimeoutOf(HubCallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Timeout ?? _defaultTimeout;
    }
}
