namespace Hub.Bench.Clients;

/// <summary>One connection of a .NET client library, calling the server's ping method.</summary>
internal interface IBenchClient : IAsyncDisposable
{
    /// <summary>One call of ping, awaited until its reply is in.</summary>
    Task PingAsync();
}
