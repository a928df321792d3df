using System.Collections.Concurrent;
using Hub.Host;
using Hub.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Auth;

/// <summary>Nothing in the authentication path writes a token to the log, at any level.</summary>
public sealed class TokenLoggingTests
{
    [Fact]
    public async Task Tokens_never_reach_the_log_even_at_trace_level()
    {
        var lines = new ConcurrentQueue<string>();
        var args = new List<string> { "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Trace" };
        foreach (var (key, value) in Tokens.Settings())
        {
            args.AddRange(["--" + key, value!]);
        }

        var app = HubHost.Build([.. args], customize: builder => builder.Logging.ClearProviders().AddProvider(new CapturingLoggerProvider(lines)));
        await app.StartAsync().WaitAsync(Waits.Max);
        var good = Tokens.For("alice", ["secret"]);
        var bad = Tokens.For("mallory", key: "another-key-that-is-long-enough-for-hmac-sha256");
        var refresh = Tokens.For("alice");
        try
        {
            var uri = new Uri($"ws://{new Uri(app.Urls.Single()).Authority}/rpc");
            await using (var socket = await AuthenticatedSocket.ConnectAsync(uri, good, AuthenticatedSocket.Carrier.Query))
            {
                await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":[\"" + refresh + "\"],\"id\":1}");
                await socket.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":[\"" + bad + "\"],\"id\":2}");
            }

            await AuthenticatedSocket.RefusedStatusAsync(uri, bad);
        }
        finally
        {
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
        }

        Assert.NotEmpty(lines);
        foreach (var token in new[] { good, bad, refresh })
        {
            var signature = token[(token.LastIndexOf('.') + 1)..];
            Assert.DoesNotContain(lines, line => line.Contains(signature, StringComparison.Ordinal));
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + " " + exception);
    }
}
