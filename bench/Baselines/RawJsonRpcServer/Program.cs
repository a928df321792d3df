using RawJsonRpcServer;

// Baseline: the ceiling for JSON-RPC 2.0 on Kestrel. No actors, no framework: one receive loop per connection,
// Utf8JsonReader over the frame, replies written into pooled buffers in Hub's compact member order.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
builder.Services.AddSingleton<Topics>();
var app = builder.Build();
app.UseWebSockets();
app.Map("/rpc", async (HttpContext context, Topics topics) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var connection = new RpcConnection(socket, topics);
    await connection.RunAsync(context.RequestAborted);
});
app.Run();
