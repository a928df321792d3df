using Hub.Diagnostics;
using Hub.Protocol;

namespace Hub.Connections;

/// <summary>
/// What a connection counts in <see cref="HubMetrics"/>: every call it answers or runs, by method and outcome, and
/// how long each call to a method actor took until its reply came back.
/// </summary>
internal static class CallMetrics
{
    public const string LoginMethod = "login";

    /// <summary>The method as a metrics tag: a built-in or a method some node serves, else "unknown", so clients cannot add series.</summary>
    public static string MethodTag(string method, string[] servedNames) =>
        Array.IndexOf(HubBuilder.BuiltIns, method) >= 0 || method == LoginMethod || Array.BinarySearch(servedNames, method, StringComparer.Ordinal) >= 0
            ? method
            : HubMetrics.UnknownMethod;

    /// <summary>Counts a call the connection refused before anything ran; a refused notification counts too.</summary>
    public static void Refused(string method, JsonRpcError error) => HubMetrics.Call(method, HubMetrics.Outcome(error.Code));

    /// <summary>Counts a call answered by the connection itself, with <paramref name="errorCode"/> (0: none).</summary>
    public static void Answered(string method, RequestId? id, int errorCode) =>
        HubMetrics.Call(method, id is null ? HubMetrics.Notification : HubMetrics.Outcome(errorCode));

    /// <summary>
    /// Counts a notification as it goes to its method actor: its completion may come after an HTTP connection has
    /// closed (HTTP answers a notification with 204 at once).
    /// </summary>
    public static void Dispatched(string method, RequestId? id)
    {
        if (id is null)
        {
            HubMetrics.Call(method, HubMetrics.Notification);
        }
    }

    public static void Completed(InFlightCalls.InFlight call, byte[]? reply)
    {
        if (call.Method is not { } method)
        {
            return;
        }

        // Refused where it is served (a test of its rule failed there): counted as an unknown method is, untimed.
        var outcome = reply is null ? HubMetrics.Ok : HubMetrics.Outcome(reply);
        if (outcome == HubMetrics.Outcome(JsonRpcErrorCodes.MethodNotFound))
        {
            HubMetrics.Call(HubMetrics.UnknownMethod, outcome);
            return;
        }

        // Timed first, so a scrape that shows the outcome shows the duration too.
        HubMetrics.Duration(method, call.Started);
        if (call.ReplyTo.Id is not null)
        {
            HubMetrics.Call(method, outcome);
        }
    }

    public static void Failed(InFlightCalls.InFlight call, JsonRpcError error)
    {
        if (call.Method is { } method)
        {
            HubMetrics.Duration(method, call.Started);
            if (call.ReplyTo.Id is not null)
            {
                HubMetrics.Call(method, HubMetrics.Outcome(error.Code));
            }
        }
    }
}
