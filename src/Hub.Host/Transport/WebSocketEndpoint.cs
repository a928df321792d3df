using System.Diagnostics;
using System.Net.WebSockets;
using Akka.Actor;
using Hub.Connections;
using Hub.Engine;
using Hub.Host.Auth;
using Hub.Host.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Host.Transport;

/// <summary>
/// Accepts WebSockets on the hub path and moves whole text messages between the socket and the connection actor.
/// It enforces the frame limits (message size: 1009, binary: 1003, assembly time: 1008, inbound budget: 1013) and
/// never parses JSON-RPC. Every byte it buffers is counted in the node's <see cref="InboundBudget"/> until the
/// connection has parsed the message.
/// </summary>
internal sealed class WebSocketEndpoint(HubRuntimeHolder holder, InboundBudget budget, IOptions<HubHostOptions> options, OpenFiles openFiles, ILogger<WebSocketEndpoint> logger)
{
    private static readonly TimeSpan InboundDrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a client may take to answer a close this endpoint sent (a limit broken) before the socket is aborted.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where bytes go that are read only to be dropped (after a close was sent), or to learn whether a message of
    /// exactly the size limit ends there. Shared by every connection and never read, so it needs no budget.
    /// </summary>
    private static readonly byte[] Scratch = new byte[InboundBuffer.FirstSegmentBytes];

    private readonly HubHostOptions _options = options.Value;
    private readonly Action<long> _release = budget.Release;

    /// <summary><c>Hub:MaxConnections</c>, or fewer where the open-files limit leaves room for fewer.</summary>
    private readonly int _maxConnections = Math.Min(options.Value.MaxConnections, openFiles.WebSockets);
    private int _active;

    /// <summary>Logs once, at start, how many connections the open-files limit leaves room for.</summary>
    public void ReportLimits()
    {
        if (openFiles is { Limit: { } limit, OtherConnections: { } other })
        {
            WebSocketEndpointLog.OpenFilesLimit(logger, limit, openFiles.InUse, _maxConnections, other);
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        var runtime = await holder.Ready.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        if (runtime.IsDraining)
        {
            WebSocketEndpointLog.RefusedShuttingDown(logger);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var (allowed, user) = await HubAuthentication.AuthenticateAsync(context, _options).ConfigureAwait(false);
        if (!allowed)
        {
            return;
        }

        if (Interlocked.Increment(ref _active) > _maxConnections)
        {
            Interlocked.Decrement(ref _active);
            WebSocketEndpointLog.RefusedFull(logger, _maxConnections);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        try
        {
            await RunAsync(context, runtime, user).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task RunAsync(HttpContext context, HubRuntime runtime, System.Security.Claims.ClaimsPrincipal? user)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = _options.KeepAliveInterval,
            KeepAliveTimeout = _options.KeepAliveTimeout,
        }).ConfigureAwait(false);
        var transport = new WebSocketTransport(socket);
        ConnectionsActor.Opened opened;
        try
        {
            opened = await runtime.OpenAsync(transport, user, isHttp: false).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            await transport.CloseAsync(1001, "server shutting down").ConfigureAwait(false);
            return;
        }

        WebSocketEndpointLog.Accepted(logger, opened.ConnectionId, context.Connection.RemoteIpAddress?.ToString());
        var terminated = transport.ActorStopped;
        var credit = new InboundCredit(InboundCredit.DefaultWindow, _release);
        var reading = ReadLoopAsync(socket, transport, opened.Connection, opened.ConnectionId, credit);

        await terminated.ConfigureAwait(false);

        // Also gives back the budget of messages the actor will never handle.
        credit.Cancel();

        // The actor is gone; the read loop owns the socket until the close handshake ends. Bound that wait.
        if (await Task.WhenAny(reading, Task.Delay(InboundDrainTimeout)).ConfigureAwait(false) != reading)
        {
            socket.Abort();
            await reading.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The only reader of the socket, for its whole life: hands messages to the actor while it runs, then reads
    /// on (discarding) until the client's close frame, so every close ends in a proper handshake. Credit-based
    /// flow control (<see cref="InboundCredit"/>) keeps the actor's mailbox bounded: a flooding client fills its
    /// own TCP window, not the node's memory. A message's bytes stay counted in the budget while it waits for a
    /// credit and in the mailbox; the credit gives them back.
    /// </summary>
    private async Task ReadLoopAsync(WebSocket socket, WebSocketTransport transport, IActorRef connection, string connectionId, InboundCredit credit)
    {
        var delivering = true;
        var assembly = new InboundBuffer(budget);
        while (await ReadMessageAsync(socket, transport, connectionId, assembly).ConfigureAwait(false) is { } message)
        {
            if (!delivering || socket.State != WebSocketState.Open)
            {
                budget.Release(message.Length);
                continue;
            }

            try
            {
                await credit.TakeAsync(message.Length).ConfigureAwait(false);
                connection.Tell(new ConnectionProtocol.InboundFrame(message, credit));
            }
            catch (OperationCanceledException)
            {
                budget.Release(message.Length);
                delivering = false; // the actor has stopped
            }
        }

        if (!transport.ActorStopped.IsCompleted)
        {
            connection.Tell(new ConnectionProtocol.InboundCompleted(null));
        }
    }

    /// <summary>What the read loop gets for a message it must not deliver (after a limit was broken).</summary>
    private static readonly byte[] Discarded = [];

    /// <summary>
    /// Reads one whole text message into <paramref name="assembly"/> and takes it out; null when the socket is done
    /// (closed or aborted). The message returned holds its length in the budget. After a broken limit the socket is
    /// closing, and messages still arriving are read into no buffer of their own and come back as
    /// <see cref="Discarded"/>. An idle connection holds no receive buffer: the first read of each message is a
    /// zero-byte read that waits for the frame's header, and a segment is rented (and counted) only once data is
    /// there. Called once per message, one call at a time: its pooled state machine saves a task per message.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<byte[]?> ReadMessageAsync(WebSocket socket, WebSocketTransport transport, string connectionId, InboundBuffer assembly)
    {
        var reads = 0;
        var atLimit = false;
        AssemblyDeadline? deadline = null;
        try
        {
            var result = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
            var started = Stopwatch.GetTimestamp();
            while (true)
            {
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await transport.CloseAsync((int)WebSocketCloseStatus.NormalClosure, string.Empty).ConfigureAwait(false);
                    WebSocketEndpointLog.Ended(logger, connectionId, "closed by the client");
                    return null;
                }

                if (socket.State != WebSocketState.Open)
                {
                    // A close went out (a limit broken here, or the connection closing): what still arrives is read
                    // and dropped until the client's close frame.
                    assembly.Clear();
                    if (result.EndOfMessage)
                    {
                        return Discarded;
                    }

                    result = await socket.ReceiveAsync(Scratch.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    WebSocketEndpointLog.BinaryFrame(logger, connectionId);
                    await CloseForLimitAsync(socket, transport, (int)WebSocketCloseStatus.InvalidMessageType, "binary frames are not accepted").ConfigureAwait(false);
                    continue;
                }

                if (assembly.Length > _options.MaxMessageBytes || (atLimit && result.Count > 0))
                {
                    WebSocketEndpointLog.MessageTooBig(logger, connectionId, _options.MaxMessageBytes);
                    await CloseForLimitAsync(socket, transport, (int)WebSocketCloseStatus.MessageTooBig, "message too big").ConfigureAwait(false);
                    continue;
                }

                if (result.EndOfMessage)
                {
                    return assembly.TakeMessage();
                }

                if (reads > 0 && deadline is null)
                {
                    // More than one read: the message is large or slow, and worth a timer.
                    deadline = StartDeadline(socket, transport, connectionId, started);
                }

                if (assembly.IsFull)
                {
                    if (assembly.Length >= _options.MaxMessageBytes)
                    {
                        // Full at the limit: one more byte means too big, none means it ends here. No segment needed to tell.
                        atLimit = true;
                        result = await socket.ReceiveAsync(Scratch.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                        continue;
                    }

                    var bytes = assembly.NextSegmentBytes;
                    if (!budget.TryAcquire(bytes, assembly.IsEmpty))
                    {
                        deadline ??= StartDeadline(socket, transport, connectionId, started);
                        if (!await WaitForBudgetAsync(deadline, bytes, assembly.IsEmpty).ConfigureAwait(false))
                        {
                            continue; // closed with 1013: read on and drop
                        }
                    }

                    assembly.AddSegment();
                }

                if (deadline is { Token.IsCancellationRequested: true })
                {
                    // The time ran out as the budget came through (the timer left the close to this reader), or as
                    // this reader got here: close, or wait until the timer has, then read on and drop.
                    await ExpireAsync(deadline, (int)WebSocketCloseStatus.PolicyViolation).ConfigureAwait(false);
                    continue;
                }

                reads++;
                result = await socket.ReceiveAsync(assembly.Free, CancellationToken.None).ConfigureAwait(false);
                assembly.Advance(result.Count);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            WebSocketEndpointLog.Ended(logger, connectionId, ex.Message);
            return null;
        }
        finally
        {
            // Empty unless the read ended mid-message.
            assembly.Clear();
            deadline?.Dispose();
        }
    }

    private AssemblyDeadline StartDeadline(WebSocket socket, WebSocketTransport transport, string connectionId, long started) =>
        new(socket, transport, connectionId, _options.MessageAssemblyTimeout - Stopwatch.GetElapsedTime(started), OnAssemblyExpired);

    /// <summary>True once the bytes are taken; false when the message's time ran out first, after closing with 1013.</summary>
    private async ValueTask<bool> WaitForBudgetAsync(AssemblyDeadline deadline, int bytes, bool first)
    {
        deadline.WaitingForBudget = true;
        try
        {
            await budget.AcquireAsync(bytes, first, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            await ExpireAsync(deadline, 1013).ConfigureAwait(false);
            return false;
        }
        finally
        {
            deadline.WaitingForBudget = false;
        }
    }

    /// <summary>On the deadline's timer, while the reader waits for the client's data: the reader is not woken.</summary>
    private void OnAssemblyExpired(AssemblyDeadline deadline) => _ = CloseExpiredAsync(deadline, (int)WebSocketCloseStatus.PolicyViolation);

    /// <summary>
    /// In the reader, once the message's time is up: closes with <paramref name="code"/> (1008, or 1013 when it was
    /// waiting for the budget), or, when the timer has claimed the close, waits until it is sent.
    /// </summary>
    private Task ExpireAsync(AssemblyDeadline deadline, int code) => deadline.TryClaim() ? CloseExpiredAsync(deadline, code) : deadline.Closed;

    private async Task CloseExpiredAsync(AssemblyDeadline deadline, int code)
    {
        try
        {
            if (code == 1013)
            {
                WebSocketEndpointLog.NoInboundBudget(logger, deadline.ConnectionId, budget.Limit, _options.MessageAssemblyTimeout);
                await CloseForLimitAsync(deadline.Socket, deadline.Transport, 1013, "try again later").ConfigureAwait(false);
            }
            else
            {
                WebSocketEndpointLog.AssemblyTimedOut(logger, deadline.ConnectionId, _options.MessageAssemblyTimeout);
                await CloseForLimitAsync(deadline.Socket, deadline.Transport, code, "message assembly timed out").ConfigureAwait(false);
            }
        }
        finally
        {
            deadline.MarkClosed();
        }
    }

    /// <summary>
    /// Sends the close for a broken limit; a client that has not answered with its own close within
    /// <see cref="CloseHandshakeTimeout"/> (one that keeps trickling, say) is aborted, so the read loop ends.
    /// </summary>
    private static async Task CloseForLimitAsync(WebSocket socket, WebSocketTransport transport, int code, string reason)
    {
        await transport.CloseAsync(code, reason).ConfigureAwait(false);
        _ = AbortUnlessClosedAsync(socket);
    }

    private static async Task AbortUnlessClosedAsync(WebSocket socket)
    {
        await Task.Delay(CloseHandshakeTimeout).ConfigureAwait(false);
        if (socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            socket.Abort();
        }
    }
}
