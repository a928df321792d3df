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
    /// <include file="HubClient.Calls.xml" path="docs/result-type/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout-options/*"/>
    /// <returns>The call's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The result does not convert to <typeparamref name="T"/>.</exception>
    /// <example>
    /// <code>
    /// var pong = await client.CallAsync&lt;string&gt;(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) }, "ping");
    /// </code>
    /// </example>
    public Task<T> CallAsync<T>(HubCallOptions options, string method, CancellationToken cancellationToken = default) =>
        Call<T>(options, method, ParamsKind.None, null, cancellationToken);

    /// <summary>
    /// Calls <paramref name="method"/> with params by position, as
    /// <see cref="CallAsync{T}(string, object?[], CancellationToken)"/> does, with <paramref name="options"/> (such as
    /// its own timeout) for this call alone.
    /// </summary>
    /// <include file="HubClient.Calls.xml" path="docs/result-type/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/positional/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout-options/*"/>
    /// <returns>The call's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">A param cannot be serialized, or the result does not convert to <typeparamref name="T"/>.</exception>
    /// <example>
    /// <code>
    /// var quick = new HubCallOptions { Timeout = TimeSpan.FromSeconds(2) };
    /// var sum = await client.CallAsync&lt;int&gt;(quick, "add", [2, 3]);
    /// </code>
    /// </example>
    public Task<T> CallAsync<T>(HubCallOptions options, string method, object?[]? positionalParams, CancellationToken cancellationToken = default) =>
        Call<T>(options, method, ParamsKind.Positional, positionalParams, cancellationToken);

    /// <summary>
    /// Calls <paramref name="method"/> with params by name, as
    /// <see cref="CallByNameAsync{T}(string, object, CancellationToken)"/> does, with <paramref name="options"/> (such
    /// as its own timeout) for this call alone.
    /// </summary>
    /// <include file="HubClient.Calls.xml" path="docs/result-type/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/named/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout-options/*"/>
    /// <returns>The call's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="method"/> or
    /// <paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The params cannot be serialized, or the result does not convert to <typeparamref name="T"/>.</exception>
    /// <example>
    /// <code>
    /// var difference = await client.CallByNameAsync&lt;int&gt;(
    ///     new HubCallOptions { Timeout = TimeSpan.FromSeconds(2) }, "subtract", new { minuend = 42, subtrahend = 23 });
    /// </code>
    /// </example>
    public Task<T> CallByNameAsync<T>(HubCallOptions options, string method, object namedParams, CancellationToken cancellationToken = default) =>
        Call<T>(options, method, ParamsKind.Named, namedParams, cancellationToken);

    /// <summary>
    /// Calls <paramref name="method"/> without params and returns its result as JSON, as
    /// <see cref="CallAsync(string, CancellationToken)"/> does, with <paramref name="options"/> (such as its own
    /// timeout) for this call alone.
    /// </summary>
    /// <include file="HubClient.Calls.xml" path="docs/options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout-options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/json-result/*"/>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// JToken data = await client.CallAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) }, "get_data");
    /// </code>
    /// </example>
    public Task<JToken> CallAsync(HubCallOptions options, string method, CancellationToken cancellationToken = default) =>
        Call<JToken>(options, method, ParamsKind.None, null, cancellationToken);

    /// <summary>
    /// Calls <paramref name="method"/> with params by position and returns its result as JSON, as
    /// <see cref="CallAsync(string, object?[], CancellationToken)"/> does, with <paramref name="options"/> (such as
    /// its own timeout) for this call alone.
    /// </summary>
    /// <include file="HubClient.Calls.xml" path="docs/options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/positional/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout-options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/json-result/*"/>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
    /// <example>
    /// <code>
    /// JToken slept = await client.CallAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(5) }, "sleep", [1000]);
    /// </code>
    /// </example>
    public Task<JToken> CallAsync(HubCallOptions options, string method, object?[]? positionalParams, CancellationToken cancellationToken = default) =>
        Call<JToken>(options, method, ParamsKind.Positional, positionalParams, cancellationToken);

    /// <summary>
    /// Calls <paramref name="method"/> with params by name and returns its result as JSON, as
    /// <see cref="CallByNameAsync(string, object, CancellationToken)"/> does, with <paramref name="options"/> (such as
    /// its own timeout) for this call alone.
    /// </summary>
    /// <include file="HubClient.Calls.xml" path="docs/options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/named/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/call-timeout-options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/json-result/*"/>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="method"/> or
    /// <paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The params cannot be serialized.</exception>
    /// <example>
    /// <code>
    /// JToken echoed = await client.CallByNameAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) }, "echo", new { text = "hi" });
    /// </code>
    /// </example>
    public Task<JToken> CallByNameAsync(HubCallOptions options, string method, object namedParams, CancellationToken cancellationToken = default) =>
        Call<JToken>(options, method, ParamsKind.Named, namedParams, cancellationToken);

    /// <summary>
    /// Sends a JSON-RPC notification with params by position, as
    /// <see cref="NotifyAsync(string, object?[], CancellationToken)"/> does, with <paramref name="options"/> for this
    /// message alone. A notification has no reply to wait for: <see cref="HubCallOptions.Timeout"/> bounds the wait to
    /// send it (for the socket, or for a reconnect).
    /// </summary>
    /// <include file="HubClient.Calls.xml" path="docs/options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/positional/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/send/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/send-timeout-options/*"/>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
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
        var frame = OutgoingMessages.Request(method, Positional(_serializer, positionalParams), id: null);
        await SendWithoutReplyAsync(frame, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a JSON-RPC notification with params by name, as
    /// <see cref="NotifyByNameAsync(string, object, CancellationToken)"/> does, with <paramref name="options"/> for
    /// this message alone; <see cref="HubCallOptions.Timeout"/> bounds the wait to send it.
    /// </summary>
    /// <include file="HubClient.Calls.xml" path="docs/options/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/method/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/named/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/send/*"/>
    /// <include file="HubClient.Calls.xml" path="docs/send-timeout-options/*"/>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="method"/> or
    /// <paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The params cannot be serialized.</exception>
    /// <example>
    /// <code>
    /// await client.NotifyByNameAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) }, "log", new { level = "info", text = "started" });
    /// </code>
    /// </example>
    public async Task NotifyByNameAsync(HubCallOptions options, string method, object namedParams, CancellationToken cancellationToken = default)
    {
        var timeout = TimeoutOf(options);
        ArgumentNullException.ThrowIfNull(method);
        var frame = OutgoingMessages.Request(method, Named(_serializer, namedParams), id: null);
        await SendWithoutReplyAsync(frame, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every call's way in: the params are built here and any failure (null options or params, a value that cannot be
    /// serialized) is the returned task's, as from an async method, while the call itself is one state machine.
    /// </summary>
    private Task<T> Call<T>(HubCallOptions options, string method, ParamsKind kind, object? parameters, CancellationToken cancellationToken)
    {
        TimeSpan timeout;
        JToken? json;
        try
        {
            timeout = TimeoutOf(options);
            json = kind switch
            {
                ParamsKind.Positional => Positional(_serializer, (object?[]?)parameters),
                ParamsKind.Named => Named(_serializer, parameters!),
                _ => null,
            };
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }

        return InvokeAsync<T>(method, json, timeout, cancellationToken);
    }

    /// <summary>The timeout a call with <paramref name="options"/> gets.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    internal TimeSpan TimeoutOf(HubCallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Timeout ?? _defaultTimeout;
    }
}
