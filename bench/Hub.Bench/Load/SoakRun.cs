using System.Text;

namespace Hub.Bench.Load;

/// <summary>What the clients of one soak run share: the options, the phase, where each publisher's measured sequence starts, the latencies.</summary>
internal sealed class SoakRun
{
    private readonly long[] _measureFrom;
    private int _phase;

    public SoakRun(SoakOptions options)
    {
        Options = options;
        Padding = new string('x', Math.Max(1, options.PayloadBytes - 40));
        TopicMember = Encoding.UTF8.GetBytes("\"method\":\"" + options.Topic + "\"");
        _measureFrom = Enumerable.Repeat(long.MaxValue, options.Publishers).ToArray();
    }

    public SoakOptions Options { get; }

    /// <summary>Filler for echo params and publish data, so each is about <see cref="SoakOptions.PayloadBytes"/>.</summary>
    public string Padding { get; }

    /// <summary><c>"method":"TOPIC"</c>: what a notification on the topic starts with after <c>{"jsonrpc":"2.0",</c>.</summary>
    public byte[] TopicMember { get; }

    public SoakClient[] Clients { get; set; } = [];

    public LatencyRecorder CallLatency { get; } = new(32);

    public LatencyRecorder DeliveryLatency { get; } = new(32);

    public SoakPhase Phase
    {
        get => (SoakPhase)Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, (int)value);
    }

    public IEnumerable<SoakClient> Publishers => Clients.Where(c => c.Publisher >= 0);

    /// <summary>The first sequence number of <paramref name="publisher"/> that counts (long.MaxValue during the warm-up).</summary>
    public long MeasureFrom(int publisher) => Volatile.Read(ref _measureFrom[publisher]);

    /// <summary>Ends the warm-up: from each publisher's next publish on, every acknowledged publish is expected everywhere.</summary>
    public void StartMeasuring()
    {
        foreach (var publisher in Publishers)
        {
            Volatile.Write(ref _measureFrom[publisher.Publisher], publisher.Sequence + 1);
        }
    }

    /// <summary>Every subscriber has had a notification from every publisher: the subscriptions have reached every node.</summary>
    public bool AllHeardAll() => Clients.All(c => c.FromPublisher.All(t => t.Highest > 0));

    /// <summary>Nothing left to wait for: every call and publish answered, every acknowledged publish received everywhere.</summary>
    public bool Settled() =>
        Clients.All(c => c.PendingCalls == 0 && c.PendingPublishes == 0)
        && Clients.Sum(c => c.MeasuredReceived) >= Clients.Length * Publishers.Sum(p => p.AcknowledgedMeasured);
}
