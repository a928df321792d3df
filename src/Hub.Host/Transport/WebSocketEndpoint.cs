using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
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

        var (allowed, user) = await HubAuthentication.AuthenticateAsync(context, _options.Auth).ConfigureAwait(false);
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
        var terminated = opened.Connection.WatchAsync(CancellationToken.None);

        // Akka.Streams backpressure: OfferAsync into a one-frame queue completes only when the actor has
        // acknowledged the previous frame, so a flooding client fills its own TCP window, not the mailbox.
        var inbound = Source.Queue<ConnectionProtocol.InboundFrame>(1, OverflowStrategy.Backpressure)
            .To(Sink.ActorRefWithAck<ConnectionProtocol.InboundFrame>(
                opened.Connection,
                ConnectionProtocol.InboundStarted.Instance,
                ConnectionProtocol.Ack.Instance,
                new ConnectionProtocol.InboundCompleted(null),
                ex => new ConnectionProtocol.InboundCompleted(ex)))
            .Run(runtime.System.Materializer());
        var reading = ReadLoopAsync(socket, transport, inbound, opened.ConnectionId);

        await terminated.ConfigureAwait(false);

        // The actor is gone; the read loop owns the socket until the close handshake ends. Bound that wait.
        if (await Task.WhenAny(reading, Task.Delay(InboundDrainTimeout)).ConfigureAwait(false) != reading)
        {
            socket.Abort();
            await reading.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The only reader of the socket, for its whole life: hands messages to the actor while it runs, then reads
    /// on (discarding) until the client's close frame, so every close ends in a proper handshake.
    /// </summary>
    private async Task ReadLoopAsync(WebSocket socket, WebSocketTransport transport, ISourceQueueWithComplete<ConnectionProtocol.InboundFrame> inbound, string connectionId)
    {
        var delivering = true;
        while (await ReadMessageAsync(socket, transport, connectionId).ConfigureAwait(false) is { } frame)
        {
            if (!delivering || socket.State != WebSocketState.Open)
            {
                continue;
            }

            try
            {
                delivering = await inbound.OfferAsync(frame).ConfigureAwait(false) is QueueOfferResult.Enqueued;
            }
            catch (Exception ex) when (ex is StreamDetachedException or AbruptTerminationException or InvalidOperationException)
            {
                delivering = false; // the actor has stopped
            }

            if (!delivering)
            {
                inbound.Complete();
            }
        }

        inbound.Complete();
    }

    /// <summary>What the read loop gets for a message it must not deliver (after a limit was broken).</summary>
    private static readonly ConnectionProtocol.InboundFrame Discarded = new(ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// Reads one whole text message; null when the socket is done (closed or aborted). After a broken limit the
    /// socket is closing, and messages still arriving come back as <see cref="Discarded"/> or undelivered frames.
    /// </summary>
    private async Task<ConnectionProtocol.InboundFrame?> ReadMessageAsync(WebSocket socket, WebSocketTransport transport, string connectionId)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
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

                    continue;
                }

                if (result.EndOfMessage)
                {
                    return new ConnectionProtocol.InboundFrame(buffer.AsSpan(0, length).ToArray());
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            WebSocketEndpointLog.Ended(logger, connectionId, ex.Message);
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
