using Hub.Methods;
using Hub.Tests.Client;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Integration;

/// <summary>
/// One hub whose methods answer with what JSON cannot hold, through each way a call is served: a synchronous delegate
/// (a thread-pool work item), an asynchronous one, one run inline on its actor, and a method actor. Each takes the
/// kind of bad answer as its one param. Their timeout is far beyond any test's wait, so an answer that arrives came at once.
/// </summary>
public sealed class FailingRepliesFixture : IAsyncLifetime
{
    private static readonly TimeSpan LongTimeout = TimeSpan.FromMinutes(10);
    private TestHub? _hub;

    /// <summary>Every entry the host logged.</summary>
    internal CapturingLogger Log { get; } = new();

    public TestHub Hub => _hub ?? throw new InvalidOperationException("The hub has not started.");

    public async Task InitializeAsync() => _hub = await TestHub.StartAsync(
        new Dictionary<string, string?> { ["Hub:Demo"] = "false" },
        h => h.AddMethod("sync", (string kind) => Answer(kind), LongTimeout)
            .AddMethod("async", async (string kind) =>
            {
                await Task.Yield();
                return Answer(kind);
            }, LongTimeout)
            .AddMethod("inline", (string kind) => Answer(kind), LongTimeout).RunInline()
            .AddMethodActor<AnsweringActor>("actor", LongTimeout)
            .AddMethod("callback", async (HubCallContext context, string kind) =>
            {
                try
                {
                    await context.CallClientAsync(kind == "surrogate-method" ? "lone \ud800" : "echo", kind == "nan-params" ? new { x = double.NaN } : new { x = 1 });
                    return "called";
                }
                catch (ArgumentException ex)
                {
                    return "refused: " + ex.GetType().Name;
                }
            }, LongTimeout)
            .AddMethod("ping", () => "pong"),
        customize: builder => builder.Logging.AddProvider(new CapturingLoggerProvider(Log)));

    public async Task DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }

    /// <summary>The answer each kind asks for: a result or a <see cref="HubRpcException"/> that cannot be written as JSON, or a plain failure.</summary>
    internal static object Answer(string kind) => kind switch
    {
        "nan-data" => throw new HubRpcException(-32011, "nan data", new { r = double.NaN }),
        "infinity-data" => throw new HubRpcException(-32011, "infinite data", new { r = double.PositiveInfinity }),
        "surrogate-message" => throw new HubRpcException(-32011, "lone \ud800 surrogate"),
        "surrogate-data" => throw new HubRpcException(-32011, "surrogate data", new { s = "lone \udc00" }),
        "surrogate-result" => "lone \ud800",
        "infinity-result" => double.PositiveInfinity,
        _ when kind.StartsWith("throw", StringComparison.Ordinal) => throw new InvalidOperationException("handler failure " + kind),
        _ => kind,
    };

    /// <summary>A method actor answering as <see cref="Answer"/> does.</summary>
    public sealed class AnsweringActor : MethodActor
    {
        protected override Task<object?> OnCallAsync(MethodCall request) => Task.FromResult<object?>(Answer(request.Param<string>(0, "kind")));
    }
}
