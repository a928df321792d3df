using System.Text;
using Hub.Methods;
using Hub.Protocol;
using Hub.Tests.Client;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Actors;

/// <summary>The one place a call's outcome becomes its reply: it never throws, and what cannot be written is -32603.</summary>
public sealed class MethodReplyTests
{
    private const string InternalError = """{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":7}""";

    [Fact]
    public void Result_holding_a_lone_surrogate_answers_32603_and_logs_an_error()
    {
        var log = new CapturingLogger();

        var reply = new MethodReply(log).Succeeded(Call(), new JValue("lone \ud800"));

        Assert.Equal(InternalError, Text(reply));
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal(4, entry.EventId.Id);
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("surrogate")]
    public void Chosen_error_that_cannot_be_written_answers_32603(string what)
    {
        var error = what == "nan" ? new HubRpcException(-32011, "nan data", new { r = double.NaN }) : new HubRpcException(-32011, "lone \udc00");

        var reply = new MethodReply(new CapturingLogger()).Failed(Call(), error, timedOut: false);

        Assert.Equal(InternalError, Text(reply));
    }

    [Fact]
    public void Timed_out_call_answers_32001_and_logs_a_warning()
    {
        var log = new CapturingLogger();

        var reply = new MethodReply(log).Failed(Call(), new TimeoutException(), timedOut: true);

        Assert.Equal("""{"jsonrpc":"2.0","error":{"code":-32001,"message":"Request timed out"},"id":7}""", Text(reply));
        Assert.Equal(LogLevel.Warning, Assert.Single(log.Entries).Level);
    }

    [Fact]
    public void Handler_exception_answers_32603_and_is_logged_with_it()
    {
        var log = new CapturingLogger();
        var failure = new InvalidOperationException("secret detail");

        var reply = new MethodReply(log).Failed(Call(), failure, timedOut: false);

        Assert.Equal(InternalError, Text(reply));
        Assert.Same(failure, Assert.Single(log.Entries).Exception);
    }

    [Fact]
    public void Logger_that_throws_does_not_cost_the_reply()
    {
        var reply = new MethodReply(new ThrowingLogger()).Failed(Call(), new InvalidOperationException("boom"), timedOut: false);

        Assert.Equal(InternalError, Text(reply));
    }

    [Fact]
    public void Notification_gets_no_reply_bytes_even_when_its_error_cannot_be_written()
    {
        var call = Call() with { Id = null };

        var reply = new MethodReply(new CapturingLogger()).Failed(call, new HubRpcException(-32011, "nan", new { r = double.NaN }), timedOut: false);

        Assert.Null(reply);
    }

    private static MethodProtocol.Invoke Call() =>
        new(1, RequestId.FromNumber(7), "m", null, new MethodProtocol.Caller("ws-test", Hub.Auth.HubUser.Anonymous, null), TimeSpan.FromMinutes(1));

    private static string Text(byte[]? reply) => Encoding.UTF8.GetString(Assert.IsType<byte[]>(reply));

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("the log sink is broken");
    }
}
