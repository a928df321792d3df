using System.Diagnostics;
using Hub.Diagnostics;
using Hub.Protocol;

namespace Hub.Connections;

/// <summary>
/// What a connection counts in <see cref="HubMetrics"/>: every call it answers or runs, by method and outcome,
/// and how long each call to a method actor took until its reply came back here.
/// </summary>
internal sealed partial class ConnectionActor
{
    private const string LoginMethod = "login";

    // The code of the last error answered; read right after a built-in ran, to count its outcome (0: none).
    private int _lastErrorCode;

    private static long CallStarted() => Stopwatch.GetTimestamp();

    /// <summary>The method as a metrics tag: a built-in or a method some node serves, else "unknown", so clients cannot add series.</summary>
    private string MethodTag(string method) =>
        Array.IndexOf(HubBuilder.BuiltIns, method) >= 0 || method == LoginMethod || Array.BinarySearch(_runtime.Directory.Names, method, StringComparer.Ordinal) >= 0
            ? method
            : HubMetrics.UnknownMethod;

    /// <summary>Counts a call the connection refused before anything ran; a refused notification counts too.</summary>
    private static void CountRefused(string method, JsonRpcError error) => HubMetrics.Call(method, HubMetrics.Outcome(error.Code));

    private static void CountCall(string method, RequestId? id, int errorCode) =>
        HubMetrics.Call(method, id is null ? HubMetrics.Notification : HubMetrics.Outcome(errorCode));

    /// <summary>Counts a built-in that <see cref="TryBuiltIn"/> took, by the error it answered, if any.</summary>
    private void CountBuiltIn(string method, RequestId? id)
    {
        // A login with a well-formed token is answered once the token is checked, and counted then (OnLoginChecked).
        // A subscribe still waiting for its topics can only succeed.
        if (method == LoginMethod && _lastErrorCode == 0)
        {
            return;
        }

        CountCall(method, id, _lastErrorCode);
    }

    /// <summary>
    /// Counts a notification as it goes to its method actor: its completion may come after an HTTP connection has
    /// closed (HTTP answers a notification with 204 at once).
    /// </summary>
    private static void CountDispatched(string method, RequestId? id)
    {
        if (id is null)
        {
            HubMetrics.Call(method, HubMetrics.Notification);
        }
    }

    private static void CountCompleted(InFlight call, byte[]? reply)
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
        if (call.Id is not null)
        {
            HubMetrics.Call(method, outcome);
        }
    }

    private static void CountFailed(InFlight call, JsonRpcError error)
    {
        if (call.Method is { } method)
        {
            HubMetrics.Duration(method, call.Started);
            if (call.Id is not null)
            {
                HubMetrics.Call(method, HubMetrics.Outcome(error.Code));
            }
        }
    }
}
