namespace Hub.Tests.Support;

/// <summary>One demo hub shared by the tests of a class (the conformance vectors run against it).</summary>
public sealed class HubHostFixture : IAsyncLifetime
{
    private TestHub? _hub;

    /// <summary>ws://127.0.0.1:PORT/rpc</summary>
    public Uri WebSocketUri => Hub.WebSocketUri;

    /// <summary>http://127.0.0.1:PORT/rpc</summary>
    public Uri HttpUri => Hub.HttpUri;

    public TestHub Hub => _hub ?? throw new InvalidOperationException("The hub has not started.");

    public async Task InitializeAsync() => _hub = await TestHub.StartAsync();

    public async Task DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }
}
