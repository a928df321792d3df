using System.Net.WebSockets;
using System.Text;
using Hub.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Client;

/// <summary>
/// A tiny, plain JSON-RPC 2.0 server over WebSocket (Kestrel on 127.0.0.1, port 0, path /rpc) for the client
/// tests: no Hub engine, no Akka. It records every message it receives and lets a test push notifications, call
/// the client, and close or abort the connection.
/// </summary>
/// <remarks>
/// Methods: <c>echo</c> (params back, null when absent), <c>add</c> (<c>[a,b]</c> or <c>{"a","b"}</c>),
/// <c>fail</c> (error -32050 "Computer says no." with data <c>{"reason":"because"}</c>), <c>hang</c> (never
/// answers), <c>gated</c> (answers its params once <see cref="OpenGateAsync"/> is called), <c>batched</c> (answers two
/// calls together in one batch frame), <c>fragmented</c> (echo, in 7-byte frames), <c>whoami</c> (the upgrade's
/// Authorization and X-Test headers), <c>subscribe</c>/<c>unsubscribe</c>/<c>get_subscriptions</c> (any topic but
/// <c>forbidden</c>; a retained value is sent before the subscribe reply). Anything else: -32601. A batch is answered
/// in one frame, its entries limited to <c>echo</c>, <c>add</c>, <c>fail</c> and <c>hang</c> (others: -32601).
/// Several connections may come and go (a reconnecting client): the methods that act on "the connection" act on the
/// latest one still open.
/// </remarks>
public sealed partial class PlainJsonRpcServer : IAsyncDisposable
{
    private const string ForbiddenTopic = "forbidden";

    private readonly WebApplication _app;
    private readonly string? _requiredToken;
    private readonly Lock _gate = new();
    private readonly List<Connection> _connections = [];
    private readonly List<JObject> _received = [];
    private readonly List<(Func<JObject, bool> Match, TaskCompletionSource<JObject> Found)> _waiters = [];
    private readonly Dictionary<string, JToken?> _retained = new(StringComparer.Ordinal);
    private readonly List<(Connection Connection, JObject Request)> _batch = [];
    private readonly List<TaskCompletionSource> _gatedAnswers = [];
    private readonly TaskCompletionSource<Connection> _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gateOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<JArray> _batches = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _connectionWaiters = [];
    private long _lastServerCallId;
    private int _accepted;
    private volatile bool _refuseConnections;
    private (WebSocketCloseStatus Status, string Description)? _closeNewConnections;

    private PlainJsonRpcServer(WebApplication app, string? requiredToken)
    {
        _app = app;
        _requiredToken = requiredToken;
        Uri = new Uri("ws://127.0.0.1/");
    }

    /// <summary>ws://127.0.0.1:PORT/rpc once started.</summary>
    public Uri Uri { get; private set; }

    /// <summary>Starts a server; with <paramref name="requiredToken"/>, upgrades without <c>Authorization: Bearer TOKEN</c> get 401.</summary>
    public static async Task<PlainJsonRpcServer> StartAsync(string? requiredToken = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new PlainJsonRpcServer(app, requiredToken);
        app.Urls.Add("http://127.0.0.1:0");
        app.UseWebSockets();
        app.Map("/rpc", server.AcceptAsync);
        await app.StartAsync();
        var bound = new Uri(app.Urls.Single());
        server.Uri = new UriBuilder(bound) { Scheme = "ws", Path = "/rpc" }.Uri;
        return server;
    }

    /// <summary>While true, upgrade requests are answered 503 (the server seems down to a reconnecting client).</summary>
    public bool RefuseConnections
    {
        get => _refuseConnections;
        set => _refuseConnections = value;
    }

    /// <summary>How many WebSocket connections were accepted so far.</summary>
    public int AcceptedConnections
    {
        get
        {
            lock (_gate)
            {
                return _accepted;
            }
        }
    }

    /// <summary>From now on, closes every new connection at once with <paramref name="status"/> (a server that keeps refusing).</summary>
    public void CloseNewConnections(WebSocketCloseStatus status, string description)
    {
        lock (_gate)
        {
            _closeNewConnections = (status, description);
        }
    }

    /// <summary>Completes once <paramref name="count"/> connections have been accepted in all; bounded by <see cref="Waits.Max"/>.</summary>
    public Task WaitForConnectionsAsync(int count)
    {
        lock (_gate)
        {
            if (_accepted >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connectionWaiters.Add((count, reached));
            return reached.Task.WaitAsync(Waits.Max);
        }
    }

    /// <summary>The batches (JSON arrays) received so far, in order.</summary>
    public IReadOnlyList<JArray> Batches
    {
        get
        {
            lock (_gate)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>The first message received (already or later) that <paramref name="match"/> accepts; bounded by <see cref="Waits.Max"/>.</summary>
    public Task<JObject> WaitForMessageAsync(Func<JObject, bool> match)
    {
        lock (_gate)
        {
            var found = _received.FirstOrDefault(match);
            if (found is not null)
            {
                return Task.FromResult(found);
            }

            var waiter = new TaskCompletionSource<JObject>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, waiter));
            return waiter.Task.WaitAsync(Waits.Max);
        }
    }

    /// <summary>The first request or notification for <paramref name="method"/>; bounded by <see cref="Waits.Max"/>.</summary>
    public Task<JObject> WaitForRequestAsync(string method) =>
        WaitForMessageAsync(m => (string?)m["method"] == method);

    /// <summary>Completes once <paramref name="count"/> requests or notifications for <paramref name="method"/> have arrived; bounded by <see cref="Waits.Max"/>.</summary>
    public Task WaitForRequestsAsync(string method, int count)
    {
        // WaitForMessageAsync tests each message once, old ones first, so counting in the predicate is exact.
        var seen = 0;
        return WaitForMessageAsync(m => (string?)m["method"] == method && ++seen == count);
    }

    /// <summary>How many requests or notifications for <paramref name="method"/> arrived so far.</summary>
    public int CountRequests(string method)
    {
        lock (_gate)
        {
            return _received.Count(m => (string?)m["method"] == method);
        }
    }

    /// <summary>Stores a retained value, sent to each new subscriber of <paramref name="topic"/> ahead of the subscribe reply.</summary>
    public void Retain(string topic, JToken? data)
    {
        lock (_gate)
        {
            _retained[topic] = data;
        }
    }

    /// <summary>Sends <c>{"jsonrpc":"2.0","method":TOPIC,"params":DATA}</c> to every connection subscribed to the topic.</summary>
    public async Task<int> PublishAsync(string topic, JToken? data)
    {
        Connection[] subscribers;
        lock (_gate)
        {
            subscribers = _connections.Where(c => c.Topics.Contains(topic)).ToArray();
        }

        foreach (var connection in subscribers)
        {
            await connection.SendAsync(Notification(topic, data));
        }

        return subscribers.Length;
    }

    /// <summary>Sends raw text to the connection.</summary>
    public async Task SendRawAsync(string text) => await (await CurrentConnectionAsync()).SendAsync(text);

    /// <summary>Sends raw text to the connection as one message in frames of at most <paramref name="frameSize"/> bytes.</summary>
    public async Task SendRawAsync(string text, int frameSize) => await (await CurrentConnectionAsync()).SendFragmentedAsync(text, frameSize);

    /// <summary>Calls <paramref name="method"/> on the connection's client (id "s:N") and returns its reply.</summary>
    public async Task<JObject> CallClientAsync(string method, JToken? parameters)
    {
        var connection = await CurrentConnectionAsync();
        var id = "s:" + Interlocked.Increment(ref _lastServerCallId);
        var reply = new TaskCompletionSource<JObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ServerCalls[id] = reply;
        var request = new JObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        request["id"] = id;
        await connection.SendAsync(request.ToString(Formatting.None));
        return await reply.Task.WaitAsync(Waits.Max);
    }

    /// <summary>Starts the closing handshake on the connection with the given status and reason.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description) =>
        await CloseAsync(await CurrentConnectionAsync(), status, description);

    private static async Task CloseAsync(Connection connection, WebSocketCloseStatus status, string description)
    {
        await connection.SendLock.WaitAsync();
        try
        {
            await connection.Socket.CloseOutputAsync(status, description, CancellationToken.None);
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    /// <summary>Drops the connection's TCP connection without a close frame.</summary>
    public async Task AbortAsync()
    {
        var connection = await CurrentConnectionAsync();
        lock (_gate)
        {
            if (_connections.Contains(connection))
            {
                connection.Context.Abort();
            }
        }
    }

    /// <summary>The close status the first connection's client sent (null when it sent none); bounded by <see cref="Waits.Max"/>.</summary>
    public async Task<WebSocketCloseStatus?> ClientCloseStatusAsync() =>
        await (await FirstConnectionAsync()).ClientClose.Task.WaitAsync(Waits.Max);

    /// <summary>
    /// Lets every <c>gated</c> call, waiting or to come, answer; completes once the calls waiting now have sent their
    /// replies, so anything the server sends afterwards reaches the client after them.
    /// </summary>
    public async Task OpenGateAsync()
    {
        Task[] waiting;
        lock (_gate)
        {
            waiting = _gatedAnswers.Select(answered => answered.Task).ToArray();
        }

        _gateOpen.TrySetResult();
        await Task.WhenAll(waiting).WaitAsync(Waits.Max);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var connection in _connections)
            {
                connection.Context.Abort();
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task<Connection> FirstConnectionAsync() => _firstConnection.Task.WaitAsync(Waits.Max);

    /// <summary>The latest connection still open, or the first one when none is.</summary>
    private async Task<Connection> CurrentConnectionAsync()
    {
        var first = await FirstConnectionAsync();
        lock (_gate)
        {
            return _connections.Count > 0 ? _connections[^1] : first;
        }
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (_refuseConnections)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (_requiredToken is not null && context.Request.Headers.Authorization.ToString() != "Bearer " + _requiredToken)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var headers = new JObject
        {
            ["authorization"] = context.Request.Headers.Authorization.ToString(),
            ["x-test"] = context.Request.Headers["X-Test"].ToString(),
        };
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(context, socket, headers);
        (WebSocketCloseStatus Status, string Description)? closeAtOnce;
        List<TaskCompletionSource> reached;
        lock (_gate)
        {
            _connections.Add(connection);
            _accepted++;
            reached = _connectionWaiters.Where(w => w.Count <= _accepted).Select(w => w.Reached).ToList();
            _connectionWaiters.RemoveAll(w => w.Count <= _accepted);
            closeAtOnce = _closeNewConnections;
        }

        _firstConnection.TrySetResult(connection);
        reached.ForEach(r => r.TrySetResult());
        if (closeAtOnce is { } close)
        {
            await CloseAsync(connection, close.Status, close.Description);
        }

        try
        {
            await ReceiveAsync(connection);
        }
        finally
        {
            // The HttpContext is recycled once this returns: nothing may touch it afterwards.
            lock (_gate)
            {
                _connections.Remove(connection);
            }
        }
    }

    private async Task ReceiveAsync(Connection connection)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var received = await connection.Socket.ReceiveAsync(buffer, connection.Context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    connection.ClientClose.TrySetResult(connection.Socket.CloseStatus);
                    if (connection.Socket.State == WebSocketState.CloseReceived)
                    {
                        await connection.SendLock.WaitAsync();
                        try
                        {
                            await connection.Socket.CloseOutputAsync(connection.Socket.CloseStatus ?? WebSocketCloseStatus.Empty, null, CancellationToken.None);
                        }
                        finally
                        {
                            connection.SendLock.Release();
                        }
                    }

                    return;
                }

                message.Write(buffer, 0, received.Count);
                if (received.EndOfMessage)
                {
                    Handle(connection, Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            connection.ClientClose.TrySetResult(null);
        }
    }

    private void Handle(Connection connection, string text)
    {
        using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
        var token = JToken.ReadFrom(reader);
        if (token is JArray batch)
        {
            lock (_gate)
            {
                _batches.Add(batch);
            }

            foreach (var entry in batch.OfType<JObject>())
            {
                Record(entry);
            }

            _ = Task.Run(() => AnswerBatchAsync(connection, batch));
            return;
        }

        if (token is not JObject message)
        {
            return;
        }

        Record(message);

        if (message["method"] is not null)
        {
            if (message.ContainsKey("id"))
            {
                _ = Task.Run(() => AnswerAsync(connection, message));
            }

            return;
        }

        if ((string?)message["id"] is { } id && connection.ServerCalls.TryRemove(id, out var call))
        {
            call.TrySetResult(message);
        }
    }

    private void Record(JObject message)
    {
        lock (_gate)
        {
            _received.Add(message);
            foreach (var waiter in _waiters.Where(w => w.Match(message)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(message);
            }
        }
    }

    private sealed class Connection(HttpContext context, WebSocket socket, JObject headers)
    {
        public HttpContext Context { get; } = context;

        public WebSocket Socket { get; } = socket;

        public JObject Headers { get; } = headers;

        public SemaphoreSlim SendLock { get; } = new(1, 1);

        public HashSet<string> Topics { get; } = new(StringComparer.Ordinal);

        public System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<JObject>> ServerCalls { get; } = new();

        public TaskCompletionSource<WebSocketCloseStatus?> ClientClose { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task SendAsync(JToken message) => SendAsync(message.ToString(Formatting.None));

        public Task SendAsync(string text) => SendFragmentedAsync(text, int.MaxValue);

        public async Task SendFragmentedAsync(string text, int frameSize)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            await SendLock.WaitAsync();
            try
            {
                for (var offset = 0; offset < bytes.Length || offset == 0; offset += frameSize)
                {
                    var count = Math.Min(frameSize, bytes.Length - offset);
                    var last = offset + count >= bytes.Length;
                    await Socket.SendAsync(bytes.AsMemory(offset, count), WebSocketMessageType.Text, last, CancellationToken.None);
                    if (last)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
            {
                // The client is gone; the tests that care look at the client's side.
            }
            finally
            {
                SendLock.Release();
            }
        }
    }
}
