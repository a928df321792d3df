using System.Buffers;
using System.Net.WebSockets;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using Hub.Connections;
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

    public async Task HandleAsync(HttpContext context)
    {
        var runtime = await holder.Ready.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        if (runtime.IsDraining)
        {
            WebSocketEndpointLog.RefusedShuttingDown(logger);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = _options.KeepAliveInterval,
            KeepAliveTimeout = _options.KeepAliveTimeout,
        }).ConfigureAwait(false);
        var transport = new WebSocketTransport(socket);
        ConnectionsActor.Opened opened;
        try
        {
            opened = await runtime.OpenAsync(transport, context.User.Identity?.IsAuthenticated == true ? context.User : null, isHttp: false).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            await transport.CloseAsync(1001, "server shutting down").ConfigureAwait(false);
            return;
        }

        WebSocketEndpointLog.Accepted(logger, opened.ConnectionId, context.Connection.RemoteIpAddress?.ToString());
        var terminated = opened.Connection.WatchAsync(CancellationToken.None);

        // Akka.Streams backpressure: the next message is read from the socket only after the actor acknowledged
        // the previous one, so a flooding client fills its own TCP window, not the actor's mailbox.
        var inbound = Source.UnfoldAsync(NotUsed.Instance, async _ =>
            {
                var frame = await ReadMessageAsync(socket, transport, opened.ConnectionId).ConfigureAwait(false);
                return frame is null ? Option<(NotUsed, ConnectionProtocol.InboundFrame)>.None : (NotUsed.Instance, frame);
            })
            .WatchTermination((_, done) => done)
            .To(Sink.ActorRefWithAck<ConnectionProtocol.InboundFrame>(
                opened.Connection,
                ConnectionProtocol.InboundStarted.Instance,
                ConnectionProtocol.Ack.Instance,
                new ConnectionProtocol.InboundCompleted(null),
                ex => new ConnectionProtocol.InboundCompleted(ex)))
            .Run(runtime.System.Materializer());

        await terminated.ConfigureAwait(false);

        // The actor has closed the socket (or the client did); give the close handshake a moment, then let go.
        if (await Task.WhenAny(inbound, Task.Delay(InboundDrainTimeout)).ConfigureAwait(false) != inbound)
        {
            socket.Abort();
        }
    }

    /// <summary>Reads one whole text message; null when the socket is done (closed, aborted, or a limit broken).</summary>
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
                    case WebSocketMessageType.Binary:
                        WebSocketEndpointLog.BinaryFrame(logger, connectionId);
                        await transport.CloseAsync((int)WebSocketCloseStatus.InvalidMessageType, "binary frames are not accepted").ConfigureAwait(false);
                        return null;
                }

                length += result.Count;
                if (length > _options.MaxMessageBytes)
                {
                    WebSocketEndpointLog.MessageTooBig(logger, connectionId, _options.MaxMessageBytes);
                    await transport.CloseAsync((int)WebSocketCloseStatus.MessageTooBig, "message too big").ConfigureAwait(false);
                    return null;
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
