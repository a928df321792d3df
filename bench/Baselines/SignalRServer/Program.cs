using SignalRServer;

// Baseline: ASP.NET Core SignalR with its defaults (JSON protocol on System.Text.Json, one invocation at a time per
// client), as a .NET user would set it up. Clients may connect with WebSockets directly (no negotiate).
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
builder.Services.AddSignalR();
var app = builder.Build();
app.MapHub<BenchHub>("/hub");
app.Run();
