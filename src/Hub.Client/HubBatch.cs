using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// Several calls and notifications sent together, in one WebSocket frame (a JSON-RPC batch), each call with its own
/// result or error. Made by <see cref="HubClient.CreateBatch"/>: add entries, then <see cref="SendAsync(CancellationToken)"/> once.
/// </summary>
/// <remarks>
/// <para>
/// Each <c>Call</c> returns a task for that call alone: it completes with the call's result, or fails with its own
/// <see cref="HubRpcException"/>, once the batch has been sent and the reply has come. The server runs the entries
/// concurrently and answers them all in one frame. Notifications get no answer.
/// </para>
/// <para>
/// The builder is meant for one thread; entries are sent in the order they were added. A batch is sent at most once.
/// The server limits batch length (Hub: 100 entries, PROTOCOL.md section 9) and refuses a longer batch as a whole
/// with one <c>-32600</c> error whose id is null: every call of the batch then fails at once with that
/// <see cref="HubRpcException"/>, and so does <see cref="SendAsync(CancellationToken)"/>. None of it ran.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var batch = client.CreateBatch();
/// var sum = batch.Call&lt;int&gt;("add", [1, 2]);
/// var difference = batch.CallByName&lt;int&gt;("subtract", new { minuend = 42, subtrahend = 23 });
/// batch.Notify("update", [1, 2, 3]);
/// await batch.SendAsync(cancellationToken);
/// Console.WriteLine($"{await sum} {await difference}");
/// </code>
/// </example>
public sealed class HubBatch
{
    private readonly HubClient _client;
    private readonly JsonSerializer _serializer;
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private bool _sent;

    internal HubBatch(HubClient client)
    {
        _client = client;
        _serializer = client.Serializer;
    }

    /// <summary>How many calls and notifications the batch holds.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Adds a call with params by position; its task completes with the result converted to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The result's type; see <see cref="HubClient.CallAsync{T}(string, CancellationToken)"/>.</typeparam>
    /// <param name="method">The method's name.</param>
    /// <param name="positionalParams">The params in order; <see langword="null"/> (the default) sends no <c>params</c> member.</param>
    /// <returns>The call's own result. It fails with <see cref="HubRpcException"/> when the server answers this call
    /// with an error or refuses the whole batch (<c>-32600</c>, such as a batch over its length limit),
    /// <see cref="HubConnectionException"/> when the connection is lost first, <see cref="TimeoutException"/> when no
    /// reply comes within the batch's timeout (<see cref="HubCallOptions.Timeout"/> given to
    /// <see cref="SendAsync(HubCallOptions, CancellationToken)"/>, else <see cref="HubClientOptions.DefaultTimeout"/>),
    /// and <see cref="Newtonsoft.Json.JsonException"/> when the result does not convert.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The batch was sent already.</exception>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
    /// <example>
    /// <code>
    /// var sum = batch.Call&lt;int&gt;("add", [1, 2]);
    /// </code>
    /// </example>
    public Task<T> Call<T>(string method, object?[]? positionalParams = null) =>
        ConvertAsync<T>(Add(method, HubClient.Positional(_serializer, positionalParams), expectsReply: true)!);

    /// <summary>Adds a call with params by position; its task completes with the result as JSON.</summary>
    /// <param name="method">The method's name.</param>
    /// <param name="positionalParams">The params in order; <see langword="null"/> (the default) sends no <c>params</c> member.</param>
    /// <returns>The call's own result; see <see cref="Call{T}(string, object?[])"/> for how it fails.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The batch was sent already.</exception>
    /// <exception cref="JsonException">A param cannot be serialized.</exception>
    /// <example>
    /// <code>
    /// Task&lt;JToken&gt; data = batch.Call("get_data");
    /// </code>
    /// </example>
    public Task<JToken> Call(string method, object?[]? positionalParams = null) =>
        Add(method, HubClient.Positional(_serializer, positionalParams), expectsReply: true)!;

    /// <summary>Adds a call with params by name; its task completes with the result converted to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="method">The method's name.</param>
    /// <param name="namedParams">Anything that serializes to a JSON object: an anonymous object, a dictionary, a <see cref="JObject"/>.</param>
    /// <returns>The call's own result; see <see cref="Call{T}(string, object?[])"/> for how it fails.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> or <paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="namedParams"/> does not serialize to a JSON object.</exception>
    /// <exception cref="InvalidOperationException">The batch was sent already.</exception>
    /// <example>
    /// <code>
    /// var difference = batch.CallByName&lt;double&gt;("subtract", new { minuend = 42, subtrahend = 23 });
    /// </code>
    /// </example>
    public Task<T> CallByName<T>(string method, object namedParams) =>
        ConvertAsync<T>(Add(method, HubClient.Named(_serializer, namedParams), expectsReply: true)!);

    /// <summary>Adds a call with params by name; its task completes with the result as JSON.</summary>
    /// <param name="method">The method's name.</param>
    /// <param name="namedParams">Anything that serializes to a JSON object.</param>
    /// <returns>The call's own result; see <see cref="Call{T}(string, object?[])"/> for how it fails.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> or <paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="namedParams"/> does not serialize to a JSON object.</exception>
    /// <exception cref="InvalidOperationException">The batch was sent already.</exception>
    /// <example>
    /// <code>
    /// Task&lt;JToken&gt; echoed = batch.CallByName("echo", new { text = "hi" });
    /// </code>
    /// </example>
    public Task<JToken> CallByName(string method, object namedParams) =>
        Add(method, HubClient.Named(_serializer, namedParams), expectsReply: true)!;

    /// <summary>Adds a notification with params by position: run by the server, never answered.</summary>
    /// <param name="method">The method's name.</param>
    /// <param name="positionalParams">The params in order; <see langword="null"/> (the default) sends no <c>params</c> member.</param>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The batch was sent already.</exception>
    /// <example>
    /// <code>
    /// batch.Notify("update", [1, 2, 3]);
    /// </code>
    /// </example>
    public void Notify(string method, object?[]? positionalParams = null) =>
        Add(method, HubClient.Positional(_serializer, positionalParams), expectsReply: false);

    /// <summary>Adds a notification with params by name: run by the server, never answered.</summary>
    /// <param name="method">The method's name.</param>
    /// <param name="namedParams">Anything that serializes to a JSON object.</param>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> or <paramref name="namedParams"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="namedParams"/> does not serialize to a JSON object.</exception>
    /// <exception cref="InvalidOperationException">The batch was sent already.</exception>
    /// <example>
    /// <code>
    /// batch.NotifyByName("log", new { level = "info", text = "started" });
    /// </code>
    /// </example>
    public void NotifyByName(string method, object namedParams) =>
        Add(method, HubClient.Named(_serializer, namedParams), expectsReply: false);

    /// <summary>
    /// Sends the batch in one frame and waits until every call in it has its outcome (result, error, lost connection
    /// or timeout, each in the call's own task). A batch of notifications only completes once sent. While the client
    /// is reconnecting, the batch waits or fails fast like a call (<see cref="HubClientOptions.CallsWhileReconnecting"/>).
    /// Its calls get <see cref="HubClientOptions.DefaultTimeout"/>; <see cref="SendAsync(HubCallOptions, CancellationToken)"/>
    /// gives them another.
    /// </summary>
    /// <param name="cancellationToken">Abandons the batch: calls without a reply yet are cancelled, and replies
    /// arriving later are ignored.</param>
    /// <returns>A task that completes when every call has its outcome. It fails only when the batch as a whole
    /// failed, and then every call's task fails the same way.</returns>
    /// <exception cref="InvalidOperationException">The batch is empty (JSON-RPC does not allow an empty batch), was
    /// sent already, or the client was not started.</exception>
    /// <exception cref="HubRpcException">The server refused the batch as a whole (<c>-32600</c>, such as a batch over
    /// its length limit); none of it ran. Not for a batch of notifications only, which waits for no answer.</exception>
    /// <exception cref="HubConnectionException">The batch could not be sent: the connection was lost, the client is
    /// reconnecting and calls fail fast, or it has stopped for good.</exception>
    /// <exception cref="TimeoutException">The batch could not be sent within <see cref="HubClientOptions.DefaultTimeout"/>
    /// (waiting for a reconnect).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <example>
    /// <code>
    /// await batch.SendAsync(cancellationToken);
    /// </code>
    /// </example>
    public Task SendAsync(CancellationToken cancellationToken = default) =>
        Send(timeout: null, cancellationToken);

    /// <summary>
    /// Sends the batch as <see cref="SendAsync(CancellationToken)"/> does, with <paramref name="options"/> for all its
    /// calls: <see cref="HubCallOptions.Timeout"/> bounds the wait for the whole batch (its send, a reconnect, and every
    /// reply), overriding <see cref="HubClientOptions.DefaultTimeout"/>. A call still without a reply then fails with
    /// <see cref="TimeoutException"/>, and its reply, should it come later, is ignored.
    /// </summary>
    /// <param name="options">The batch's options.</param>
    /// <param name="cancellationToken">Abandons the batch: calls without a reply yet are cancelled, and replies
    /// arriving later are ignored.</param>
    /// <returns>A task that completes when every call has its outcome. It fails only when the batch as a whole
    /// failed, and then every call's task fails the same way.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The batch is empty (JSON-RPC does not allow an empty batch), was
    /// sent already, or the client was not started.</exception>
    /// <exception cref="HubRpcException">The server refused the batch as a whole (<c>-32600</c>, such as a batch over
    /// its length limit); none of it ran. Not for a batch of notifications only, which waits for no answer.</exception>
    /// <exception cref="HubConnectionException">The batch could not be sent: the connection was lost, the client is
    /// reconnecting and calls fail fast, or it has stopped for good.</exception>
    /// <exception cref="TimeoutException">The batch could not be sent within the options' timeout (waiting for a
    /// reconnect).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <example>
    /// <code>
    /// var batch = client.CreateBatch();
    /// var report = batch.Call&lt;string&gt;("build_report");
    /// var pong = batch.Call&lt;string&gt;("ping");
    /// await batch.SendAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(5) });
    /// Console.WriteLine(await pong);                // awaiting report throws TimeoutException if it took over 5 s
    /// </code>
    /// </example>
    public Task SendAsync(HubCallOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Send(options.Timeout, cancellationToken);
    }

    private Task Send(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        Entry[] entries;
        lock (_gate)
        {
            if (_sent)
            {
                throw new InvalidOperationException("The batch was sent already.");
            }

            if (_entries.Count == 0)
            {
                throw new InvalidOperationException("The batch is empty; JSON-RPC 2.0 does not allow an empty batch.");
            }

            _sent = true;
            entries = [.. _entries];
        }

        return _client.SendBatchAsync(entries, timeout, cancellationToken);
    }

    private Task<JToken>? Add(string method, JToken? parameters, bool expectsReply)
    {
        ArgumentNullException.ThrowIfNull(method);
        var reply = expectsReply ? new TaskCompletionSource<JToken>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        lock (_gate)
        {
            if (_sent)
            {
                throw new InvalidOperationException("The batch was sent already.");
            }

            _entries.Add(new Entry(method, parameters, reply));
        }

        return reply?.Task;
    }

    private async Task<T> ConvertAsync<T>(Task<JToken> reply)
    {
        var result = await reply.ConfigureAwait(false);
        return HubClient.ConvertResult<T>(_client.Serializer, result);
    }

    /// <summary>One call (with a reply to wait for) or notification (without).</summary>
    internal sealed record Entry(string Method, JToken? Parameters, TaskCompletionSource<JToken>? Reply);
}
