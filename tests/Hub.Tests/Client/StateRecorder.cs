using System.Threading.Channels;
using Hub.Tests.Support;

namespace Hub.Tests.Client;

using Hub.Client;

/// <summary>Records a client's <see cref="HubClient.StateChanged"/> events, in order, for tests to await.</summary>
public sealed class StateRecorder
{
    private readonly Channel<HubStateChangedEventArgs> _pending = Channel.CreateUnbounded<HubStateChangedEventArgs>();
    private readonly List<HubStateChangedEventArgs> _all = [];
    private readonly Lock _gate = new();

    public StateRecorder(HubClient client) => client.StateChanged += (_, e) =>
    {
        lock (_gate)
        {
            _all.Add(e);
        }

        _pending.Writer.TryWrite(e);
    };

    /// <summary>
    /// Attaches a recorder, then starts <paramref name="client"/> and consumes its first Connected, so the next event
    /// awaited is a later one (events are delivered asynchronously: attached after a start, a recorder could still see
    /// that start's Connected).
    /// </summary>
    public static async Task<StateRecorder> StartAsync(HubClient client)
    {
        var states = new StateRecorder(client);
        await client.StartAsync().WaitAsync(Waits.Max);
        await states.NextAsync(HubConnectionState.Connected);
        return states;
    }

    /// <summary>Every event seen so far.</summary>
    public IReadOnlyList<HubStateChangedEventArgs> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>The next event into <paramref name="state"/> not awaited before, skipping others; bounded by <see cref="Waits.Max"/>.</summary>
    public async Task<HubStateChangedEventArgs> NextAsync(HubConnectionState state)
    {
        using var deadline = new CancellationTokenSource(Waits.Max);
        while (true)
        {
            var change = await _pending.Reader.ReadAsync(deadline.Token);
            if (change.State == state)
            {
                return change;
            }
        }
    }
}
