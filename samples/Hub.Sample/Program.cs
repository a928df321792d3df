// A small Hub client: connects to ws://127.0.0.1:8080/rpc (or the URL given), calls, subscribes to the clock, and
// keeps going through a hub restart, printing every state change. Stop it with Ctrl+C.
//
//   dotnet run --project src/Hub.Host                 # in one terminal
//   dotnet run --project samples/Hub.Sample           # in another; then stop and start the hub again
using Hub;
using Hub.Client;
using Hub.Sample;
using Newtonsoft.Json.Linq;

var uri = new Uri(args.Length > 0 ? args[0] : "ws://127.0.0.1:8080/rpc");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var options = new HubClientOptions
{
    DefaultTimeout = TimeSpan.FromSeconds(10),
    Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(5) },
};
await using var client = new HubClient(uri, options);
client.StateChanged += (_, e) => Console.WriteLine($"[state] {e.PreviousState} -> {e.State}: {e.Reason}");

try
{
    await client.StartAsync(stop.Token);
}
catch (HubConnectionException e)
{
    Console.WriteLine($"Could not connect to {uri}: {e.Message} Is the hub running (dotnet run --project src/Hub.Host)?");
    return 1;
}
catch (OperationCanceledException)
{
    return 0;
}

Console.WriteLine($"ping -> {await client.CallAsync<string>("ping")}");
Console.WriteLine($"add(2, 3) -> {await client.CallAsync<double>("add", [2, 3])}");

var calculator = client.CreateProxy<ICalculator>();
Console.WriteLine($"subtract(minuend: 42, subtrahend: 23) -> {await calculator.SubtractAsync(42, 23)}");

var batch = client.CreateBatch();
var sum = batch.Call<double>("sum", [1, 2, 4]);
var refused = batch.Call("computer_says_no");
await batch.SendAsync();
Console.WriteLine($"batch: sum -> {await sum}, computer_says_no -> {await DescribeAsync(refused)}");

// One call with its own timeout, shorter than DefaultTimeout: sleep takes 2 s, the call gives up after 0.5 s, and the
// reply that comes later is dropped.
try
{
    await client.CallAsync<int>(new HubCallOptions { Timeout = TimeSpan.FromMilliseconds(500) }, "sleep", [2000]);
}
catch (TimeoutException e)
{
    Console.WriteLine($"sleep(2000) with a 0.5 s timeout -> {e.Message}");
}

// The clock ticks every second; the subscription outlives reconnects (the client subscribes again by itself).
var clock = Task.Run(async () =>
{
    try
    {
        await foreach (var tick in client.Subscribe<JObject>("clock", stop.Token))
        {
            Console.WriteLine($"[clock] {tick?["time"]}");
        }
    }
    catch (OperationCanceledException)
    {
        // Ctrl+C.
    }
});

// A call every few seconds: while the hub is away, each waits for the reconnect (up to DefaultTimeout).
for (var n = 1; !stop.IsCancellationRequested; n++)
{
    try
    {
        Console.WriteLine($"add({n}, {n}) -> {await calculator.AddAsync(n, n, stop.Token)}");
        await Task.Delay(TimeSpan.FromSeconds(3), stop.Token);
    }
    catch (OperationCanceledException)
    {
        break;
    }
    catch (Exception e) when (e is HubConnectionException or TimeoutException or HubRpcException)
    {
        Console.WriteLine($"add({n}, {n}) failed: {e.GetType().Name}: {e.Message}");
    }
}

await clock;
return 0;

static async Task<string> DescribeAsync(Task<JToken> call)
{
    try
    {
        return (await call).ToString();
    }
    catch (HubRpcException e)
    {
        return $"error {e.Code} {e.Message}";
    }
}
