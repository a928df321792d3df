using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster;

namespace Hub.Diagnostics;

/// <summary>
/// The engine's metrics: one <see cref="Meter"/> named <see cref="MeterName"/> for the process, read by any
/// <see cref="MeterListener"/> (the host exports it with OpenTelemetry at <c>/metrics</c>). Every tag value comes
/// from a bounded set, so no client can grow the number of series: <c>method</c> is a built-in or registered
/// method name, else <c>unknown</c>; <c>topic</c> a declared topic; <c>outcome</c> <c>ok</c>, <c>notification</c>
/// or an error code as text (<see cref="ErrorCodeTags"/>).
/// </summary>
internal static class HubMetrics
{
    public const string MeterName = "Hub";

    /// <summary>The <c>method</c> tag of a call to a method no node serves.</summary>
    public const string UnknownMethod = "unknown";

    /// <summary>The <c>outcome</c> of a call whose reply is a result.</summary>
    public const string Ok = "ok";

    /// <summary>
    /// The <c>outcome</c> of a JSON-RPC notification that ran: it has no reply, so no outcome the client sees. One the
    /// connection refused (unknown method, too many in flight, shutting down) is counted with that error code.
    /// </summary>
    public const string Notification = "notification";

    /// <summary>Distinct codes of handlers' own tagged before the rest become <c>other</c>.</summary>
    public const int MaxErrorCodes = 64;

    private static readonly Meter Meter = new(MeterName, typeof(HubMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>The tag of connections over WebSocket.</summary>
    public static readonly KeyValuePair<string, object?> WebSocket = new("transport", "ws");

    /// <summary>The tag of connections over HTTP.</summary>
    public static readonly KeyValuePair<string, object?> Http = new("transport", "http");

    private static readonly ErrorCodeTags Codes = new(MaxErrorCodes);

    private static ImmutableArray<Akka.Cluster.Cluster> _clusters = [];

    private static ImmutableArray<InboundSource> _inbound = [];

    private static readonly UpDownCounter<long> ConnectionsActive = Meter.CreateUpDownCounter<long>(
        "hub.connections.active", "{connection}", "Open connections (HTTP requests included while they are served), by transport.");

    private static readonly Counter<long> ConnectionsOpened = Meter.CreateCounter<long>(
        "hub.connections.opened", "{connection}", "Connections opened, by transport.");

    private static readonly CallCounts CallCounts = new();

    private static readonly ObservableCounter<long> Calls = Meter.CreateObservableCounter(
        "hub.calls", CallCounts.Observe, "{call}", "Requests and notifications answered or run, by method and outcome (ok, notification, or the error code).");

    private static readonly Histogram<double> CallDuration = Meter.CreateHistogram(
        "hub.call.duration",
        "s",
        "Time from sending a call to a method actor until its reply reached the connection, by method.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram(
        "hub.batch.size",
        "{message}",
        "Entries in each batch received.",
        tags: null,
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100] });

    private static readonly Counter<long> ProtocolErrors = Meter.CreateCounter<long>(
        "hub.protocol.errors", "{message}", "Messages refused before any method ran: -32700 parse errors and -32600 invalid requests, by code.");

    private static readonly Counter<long> NotificationsPublished = Meter.CreateCounter<long>(
        "hub.notifications.published", "{notification}", "Notifications published on this node, by topic.");

    private static readonly Counter<long> NotificationsDelivered = Meter.CreateCounter<long>(
        "hub.notifications.delivered", "{notification}", "Notification frames handed to the connections subscribed on this node, by topic.");

    private static readonly Counter<long> SlowConsumerDisconnects = Meter.CreateCounter<long>(
        "hub.slow_consumer.disconnects", "{connection}", "Connections closed with 1008 because their outbound queue was full.");

    private static readonly ObservableGauge<int> ClusterMembers = Meter.CreateObservableGauge(
        "hub.cluster.members", () => ObserveMembers(unreachable: false), "{member}", "Cluster members that are Up, as this node sees them.");

    private static readonly ObservableGauge<long> InboundBytes = Meter.CreateObservableGauge(
        "hub.inbound.bytes", () => ObserveInbound(waiting: false), "By", "Bytes of inbound messages held on this node until their connection has parsed them (Hub:MaxInboundBytes is the most).");

    private static readonly ObservableGauge<long> InboundWaiting = Meter.CreateObservableGauge(
        "hub.inbound.waiting", () => ObserveInbound(waiting: true), "{reader}", "Readers waiting for the inbound budget: their clients are slowed by TCP until bytes are freed.");

    private static readonly ObservableGauge<int> UnreachableMembers = Meter.CreateObservableGauge(
        "hub.cluster.members.unreachable", () => ObserveMembers(unreachable: true), "{member}", "Cluster members this node's failure detector marks unreachable.");

    public static void ConnectionOpened(KeyValuePair<string, object?> transport)
    {
        ConnectionsActive.Add(1, transport);
        ConnectionsOpened.Add(1, transport);
    }

    public static void ConnectionClosed(KeyValuePair<string, object?> transport) => ConnectionsActive.Add(-1, transport);

    /// <summary>Counts a call; <paramref name="method"/> must already be bounded (a known name or <see cref="UnknownMethod"/>).</summary>
    public static void Call(string method, string outcome) => CallCounts.Add(method, outcome);

    /// <summary>Times a call that went to a method actor at <paramref name="started"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void Duration(string method, long started) =>
        CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("method", method));

    public static void Batch(int entries) => BatchSize.Record(entries);

    public static void ProtocolError(int code) => ProtocolErrors.Add(1, new KeyValuePair<string, object?>("code", Outcome(code)));

    public static void Published(string topic) => NotificationsPublished.Add(1, new KeyValuePair<string, object?>("topic", topic));

    public static void Delivered(string topic, int subscribers)
    {
        if (subscribers > 0)
        {
            NotificationsDelivered.Add(subscribers, new KeyValuePair<string, object?>("topic", topic));
        }
    }

    public static void SlowConsumerDisconnected() => SlowConsumerDisconnects.Add(1);

    /// <summary>The outcome of an answer with error <paramref name="code"/>, 0 for a result.</summary>
    public static string Outcome(int code) => code == 0 ? Ok : Codes.Get(code);

    /// <summary>
    /// The outcome of an encoded reply: <c>ok</c> for a result, else its error code. Replies are written by
    /// <c>JsonRpcEncoder</c> in a fixed member order, so the code is found at a fixed offset without parsing.
    /// </summary>
    public static string Outcome(ReadOnlySpan<byte> reply)
    {
        var errorPrefix = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":"u8;
        if (!reply.StartsWith(errorPrefix))
        {
            return Ok;
        }

        var rest = reply[errorPrefix.Length..];
        var end = rest.IndexOf((byte)',');
        return end > 0 && int.TryParse(rest[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) && code != 0
            ? Outcome(code)
            : ErrorCodeTags.Other;
    }

    /// <summary>Reports <paramref name="system"/>'s cluster view in <c>hub.cluster.members</c> until it terminates.</summary>
    public static void TrackCluster(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        ImmutableInterlocked.Update(ref _clusters, list => list.Add(cluster));
        system.RegisterOnTermination(() => ImmutableInterlocked.Update(ref _clusters, list => list.Remove(cluster)));
    }

    /// <summary>
    /// Reports a node's inbound budget in <c>hub.inbound.bytes</c> (<paramref name="held"/>) and
    /// <c>hub.inbound.waiting</c> (<paramref name="waiting"/>) until the result is disposed.
    /// </summary>
    public static IDisposable TrackInbound(Func<long> held, Func<int> waiting)
    {
        var source = new InboundSource(held, waiting);
        ImmutableInterlocked.Update(ref _inbound, list => list.Add(source));
        return source;
    }

    private static List<Measurement<long>> ObserveInbound(bool waiting)
    {
        // One budget per process in production; hubs started side by side in one process report one each.
        var sources = _inbound;
        var measurements = new List<Measurement<long>>(sources.Length);
        foreach (var source in sources)
        {
            measurements.Add(new Measurement<long>(waiting ? source.Waiting() : source.Held()));
        }

        return measurements;
    }

    private static List<Measurement<int>> ObserveMembers(bool unreachable)
    {
        // One node per process in production; in-process test clusters report one measurement each.
        var clusters = _clusters;
        var measurements = new List<Measurement<int>>(clusters.Length);
        foreach (var cluster in clusters)
        {
            var state = cluster.State;
            measurements.Add(new Measurement<int>(unreachable
                ? state.Unreachable.Count
                : state.Members.Count(m => m.Status == MemberStatus.Up)));
        }

        return measurements;
    }

    private sealed class InboundSource(Func<long> held, Func<int> waiting) : IDisposable
    {
        public Func<long> Held { get; } = held;

        public Func<int> Waiting { get; } = waiting;

        public void Dispose() => ImmutableInterlocked.Update(ref _inbound, list => list.Remove(this));
    }
}
