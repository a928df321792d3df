using System.Collections.Concurrent;
using Hub.Client;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Compose;

/// <summary>
/// A steady load through the balancer, as in bench/Hub.Bench's soak: callers calling <c>add</c> with numbered
/// arguments, publishers publishing sequence-numbered notifications to <c>bench</c> with the demo's sequential
/// <c>publish</c>, and subscribers checking that each publisher's numbers arrive at most once and in order. Every
/// client is a <see cref="HubClient"/> that reconnects through the balancer. A call answered <c>-32004</c> (the node
/// is draining) or failed by a lost connection is retried, as the client's user would; a timeout or any other
/// error is recorded as unexpected.
/// </summary>
public sealed class SteadyLoad : IAsyncDisposable
{
    private const string Topic = "bench";
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);
    private readonly List<HubClient> _callers;
    private readonly List<HubClient> _publishers;
    private readonly List<HubClient> _subscribers;
    private readonly List<ConcurrentDictionary<int, long>> _lastSeen;
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly ConcurrentDictionary<int, long> _nextNumber = new();
    private long _answered;
    private long _retried;
    private long _published;
    private long _publishFailed;
    private long _delivered;

    private SteadyLoad(List<HubClient> callers, List<HubClient> publishers, List<HubClient> subscribers)
    {
        _callers = callers;
        _publishers = publishers;
        _subscribers = subscribers;
        _lastSeen = [.. subscribers.Select(_ => new ConcurrentDictionary<int, long>())];
    }

    /// <summary>Calls answered with the right result.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Call attempts answered -32004 or failed by a lost connection, then retried.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Publications the hub acknowledged.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Publications answered -32004 or failed by a lost connection (not retried: the next number goes).</summary>
    public long PublishFailed => Interlocked.Read(ref _publishFailed);

    /// <summary>Notifications the subscribers received.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Anything that broke a promise: a timeout, a wrong result, an unexpected error, a duplicate or a notification out of order.</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    /// <summary>Connects the clients through <paramref name="uri"/>, subscribes, and starts the loops.</summary>
    public static async Task<SteadyLoad> StartAsync(Uri uri, int callers = 2, int publishers = 2, int subscribers = 3)
    {
        var options = new HubClientOptions { DefaultTimeout = TimeSpan.FromSeconds(30) };
        var load = new SteadyLoad(
            [.. await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => HubClient.ConnectAsync(uri, options)))],
            [.. await Task.WhenAll(Enumerable.Range(0, publishers).Select(_ => HubClient.ConnectAsync(uri, options)))],
            [.. await Task.WhenAll(Enumerable.Range(0, subscribers).Select(_ => HubClient.ConnectAsync(uri, options)))]);
        for (var s = 0; s < load._subscribers.Count; s++)
        {
            var seen = load._lastSeen[s];
            var name = $"subscriber {s}";
            await load._subscribers[s].SubscribeAsync<JObject>(Topic, data => load.OnNotification(name, seen, data));
        }

        for (var c = 0; c < load._callers.Count; c++)
        {
            var client = load._callers[c];
            load._loops.Add(Task.Run(() => load.CallLoopAsync(client)));
        }

        for (var p = 0; p < load._publishers.Count; p++)
        {
            var client = load._publishers[p];
            var id = p;
            load._loops.Add(Task.Run(() => load.PublishLoopAsync(client, id)));
        }

        return load;
    }

    /// <summary>Stops the loops (each finishes the call it is in).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// After <see cref="StopAsync"/>: each publisher publishes once more, until the hub takes it, and every
    /// subscriber must receive that last number from every publisher: all are connected and subscribed again.
    /// </summary>
    public async Task<bool> FinalRoundReachesEverySubscriberAsync(TimeSpan within)
    {
        var finals = new long[_publishers.Count];
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            for (var p = 0; p < _publishers.Count; p++)
            {
                // A new number each round: a subscriber whose subscription other nodes had not yet heard of gets the next.
                finals[p] = NextNumber(p);
                await _publishers[p].CallAsync<bool>("publish", [Topic, new { p, n = finals[p] }]);
            }

            await Task.Delay(500);
            if (_lastSeen.All(seen => Enumerable.Range(0, _publishers.Count).All(p => seen.TryGetValue(p, out var last) && last == finals[p])))
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        foreach (var client in _callers.Concat(_publishers).Concat(_subscribers))
        {
            await client.DisposeAsync();
        }

        _stop.Dispose();
    }

    /// <summary>The publisher's next sequence number, from 0; every attempt takes a new one.</summary>
    private long NextNumber(int publisher) => _nextNumber.AddOrUpdate(publisher, 0, (_, n) => n + 1);

    private void OnNotification(string subscriber, ConcurrentDictionary<int, long> seen, JObject? data)
    {
        if (data?["p"] is null || data["n"] is null)
        {
            return;
        }

        Interlocked.Increment(ref _delivered);
        var p = data.Value<int>("p");
        var n = data.Value<long>("n");
        // Handlers of one subscription run one at a time, in arrival order.
        if (seen.TryGetValue(p, out var last) && n <= last)
        {
            _unexpected.Enqueue($"{subscriber}: from publisher {p}, {n} came after {last} (a duplicate or out of order)");
        }

        seen[p] = n;
    }

    private async Task CallLoopAsync(HubClient client)
    {
        var i = 0L;
        while (!_stop.IsCancellationRequested)
        {
            i++;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var sum = await client.CallAsync<long>("add", [i, 1]);
                    if (sum != i + 1)
                    {
                        _unexpected.Enqueue($"add({i}, 1) answered {sum}");
                    }

                    Interlocked.Increment(ref _answered);
                    break;
                }
                catch (Exception ex) when (IsRetryable(ex) && attempt < 20)
                {
                    Interlocked.Increment(ref _retried);
                    await Task.Delay(Pace);
                }
                catch (Exception ex)
                {
                    _unexpected.Enqueue($"add({i}, 1), attempt {attempt}: {ex.GetType().Name}: {ex.Message}");
                    break;
                }
            }

            await Task.Delay(Pace);
        }
    }

    private async Task PublishLoopAsync(HubClient client, int p)
    {
        while (!_stop.IsCancellationRequested)
        {
            var n = NextNumber(p);
            try
            {
                if (await client.CallAsync<bool>("publish", [Topic, new { p, n }]))
                {
                    Interlocked.Increment(ref _published);
                }
                else
                {
                    _unexpected.Enqueue($"publish {p}/{n} answered false");
                }
            }
            catch (Exception ex) when (IsRetryable(ex))
            {
                Interlocked.Increment(ref _publishFailed);
            }
            catch (Exception ex)
            {
                _unexpected.Enqueue($"publish {p}/{n}: {ex.GetType().Name}: {ex.Message}");
            }

            await Task.Delay(Pace);
        }
    }

    /// <summary>An answer the client is told to retry: the node is draining (-32004), or the connection was lost.</summary>
    private static bool IsRetryable(Exception ex) =>
        ex is HubConnectionException || (ex is HubRpcException rpc && rpc.Code == JsonRpcErrorCodes.ServerShuttingDown);
}
