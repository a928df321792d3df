using System.Buffers;
using System.Net.WebSockets;

// Baseline: the transport's ceiling. Every text message received on /ws is sent back as it came, fragment by
// fragment, so the server does no work beyond Kestrel's WebSocket framing.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
var app = builder.Build();
app.UseWebSockets();
app.Map("/ws", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = ArrayPool<byte>.Shared.Rent(4 * 1024);
    try
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
        }
    }
    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
    {
        // The client went away; nothing to clean up beyond the buffer.
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }
});
app.Run();
