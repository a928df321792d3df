using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;
using Hub.Connections;
using Hub.Host.Auth;
using Hub.Host.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Host.Transport;

/// <summary>
/// Accepts WebSockets on the hub path and moves whole text messages between the socket and the connection actor.
/// It enforces the frame limits (message size: 1009, binary: 1003) and never parses JSON-RPC.
/// </summary>
internal sealed class WebSocketEndpoint(HubRuntimeHolder holder, IOptions<HubHostOptions> options, ILogger<WebSocketEndpoint> logger)
{
    private static readonly TimeSpan InboundDrainTimeout = TimeSpan.FromSeconds(5);

    private readonly HubHostOptions _options = options.Value;
    private int _active;

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

        if (Interlocked.Increment(ref _active) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _active);
            WebSocketEndpointLog.RefusedFull(logger, _options.MaxConnections);
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
        var credit = new InboundCredit(InboundCredit.DefaultWindow);
        var reading = ReadLoopAsync(socket, transport, opened.Connection, opened.ConnectionId, credit);

        await terminated.ConfigureAwait(false);
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
    /// own TCP window, not the node's memory.
    /// </summary>
    private async Task ReadLoopAsync(WebSocket socket, WebSocketTransport transport, IActorRef connection, string connectionId, InboundCredit credit)
    {
        var delivering = true;
        while (await ReadMessageAsync(socket, transport, connectionId).ConfigureAwait(false) is { } message)
        {
            if (!delivering || socket.State != WebSocketState.Open)
            {
                continue;
            }

            try
            {
                await credit.TakeAsync().ConfigureAwait(false);
                connection.Tell(new ConnectionProtocol.InboundFrame(message, credit));
            }
            catch (OperationCanceledException)
            {
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
    /// Reads one whole text message; null when the socket is done (closed or aborted). After a broken limit the
    /// socket is closing, and messages still arriving come back as <see cref="Discarded"/> or undelivered frames.
    /// An idle connection holds no receive buffer: the first read of each message is a zero-byte read that waits
    /// for the frame's header, and the buffer is rented only once data is there. Called once per message, one call
    /// at a time: its pooled state machine saves a task per message.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<byte[]?> ReadMessageAsync(WebSocket socket, WebSocketTransport transport, string connectionId)
    {
        byte[]? buffer = null;
        var length = 0;
        try
        {
            var result = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
            while (true)
            {
                switch (result.MessageType)
                {
                    case WebSocketMessageType.Close:
                        await transport.CloseAsync((int)WebSocketCloseStatus.NormalClosure, string.Empty).ConfigureAwait(false);
                        WebSocketEndpointLog.Ended(logger, connectionId, "closed by the client");
                        return null;
                    case WebSocketMessageType.Binary when socket.State == WebSocketState.Open:
                        WebSocketEndpointLog.BinaryFrame(logger, connectionId);
                        await transport.CloseAsync((int)WebSocketCloseStatus.InvalidMessageType, "binary frames are not accepted").ConfigureAwait(false);
                        return Discarded;
                }

                length += result.Count;
                if (length > _options.MaxMessageBytes)
                {
                    if (socket.State == WebSocketState.Open)
                    {
                        WebSocketEndpointLog.MessageTooBig(logger, connectionId, _options.MaxMessageBytes);
                        await transport.CloseAsync((int)WebSocketCloseStatus.MessageTooBig, "message too big").ConfigureAwait(false);
                    }

                    // Once closing, the rest of the message is read and dropped until the client's close frame.
                    length = 0;
                    if (result.EndOfMessage)
                    {
                        return Discarded;
                    }
                }
                else if (result.EndOfMessage)
                {
                    return length == 0 ? [] : buffer.AsSpan(0, length).ToArray();
                }

                if (buffer is null || length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer is null ? 4096 : buffer.Length * 2);
                    if (buffer is not null)
                    {
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    buffer = larger;
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            WebSocketEndpointLog.Ended(logger, connectionId, ex.Message);
            return null;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
