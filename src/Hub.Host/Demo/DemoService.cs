using Hub.Auth;
using Newtonsoft.Json.Linq;

namespace Hub.Host.Demo;

/// <summary>The demo methods and topics of PROTOCOL.md section 11, so the protocol can be tried without code.</summary>
public static class DemoService
{
    /// <summary>Topics <c>publish</c> may write to; <c>secret</c> only for a caller with the permission <c>secret</c>.</summary>
    private static readonly string[] Writable = ["demo", "bench", "secret"];

    /// <summary>
    /// Declares the demo methods, the topics <c>demo</c>, <c>bench</c> and <c>clock</c>, and for trying authentication
    /// the method <c>whoami</c> (login required) and the topic <c>secret</c> (permission <c>secret</c> required).
    /// </summary>
    public static void Register(HubBuilder hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        // The handlers that only compute a value run inline on their method actor (RunInline): none of them blocks.
        hub.AddMethod("subtract", (double minuend, double subtrahend) => minuend - subtrahend).RunInline()
            .AddMethod("sum", (params double[] values) => values.Sum()).RunInline()
            .AddMethod("update", ([RawParams] JToken? p) => (object?)null).RunInline()
            .AddMethod("notify_hello", ([RawParams] JToken? p) => (object?)null).RunInline()
            .AddMethod("get_data", () => new object[] { "hello", 5 }).RunInline()
            .AddMethod("ping", () => "pong").RunInline()
            .AddMethod("echo", ([RawParams] JToken? p) => p).RunInline()
            .AddMethod("add", (double a, double b) => a + b).RunInline()
            .AddMethod("divide", Divide)
            .AddMethod("computer_says_no", ComputerSaysNo)
            .AddMethod("sleep", SleepAsync)
            .AddMethod("publish", PublishAsync).Sequential()
            .AddMethod("whoami", WhoAmI).RequireLogin()
            .AddTopic("demo")
            .AddTopic("bench")
            .AddTopic("clock")
            .AddTopic("secret").RequirePermission("secret");
    }

    private static object WhoAmI(HubCallContext context) => new { user = context.User.Name, permissions = context.User.Permissions };

    private static double Divide(double a, double b) =>
        b == 0 ? throw new DivideByZeroException("divide: the divisor is zero") : a / b;

    private static object ComputerSaysNo() => throw new HubRpcException(-32050, "Computer says no.");

    private static async Task<long> SleepAsync(long ms, CancellationToken cancellationToken)
    {
        if (ms is < 0 or > 60_000)
        {
            throw HubRpcException.InvalidParams("'ms' must be from 0 to 60000");
        }

        await Task.Delay(TimeSpan.FromMilliseconds(ms), cancellationToken).ConfigureAwait(false);
        return ms;
    }

    private static async Task<bool> PublishAsync(string topic, HubCallContext context, JToken? data = null, bool retain = false)
    {
        // An unknown topic and one the caller may not use get the same answer: what is not allowed is not seen.
        if (!Writable.Contains(topic, StringComparer.Ordinal) || (topic == "secret" && !context.User.HasPermission("secret")))
        {
            throw HubRpcException.InvalidParams("'topic' must be \"demo\" or \"bench\"");
        }

        if (data is not null && data.Type is not (JTokenType.Object or JTokenType.Array or JTokenType.Null))
        {
            throw HubRpcException.InvalidParams("'data' must be an object, an array or null");
        }

        try
        {
            await context.NotifyAsync(topic, data, retain).ConfigureAwait(false);
        }
        catch (HubPayloadTooLargeException ex)
        {
            // The client's data, too large for the cluster to carry: its params are what is wrong.
            throw HubRpcException.InvalidParams(ex.Message);
        }

        return true;
    }
}
