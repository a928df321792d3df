using Xunit;

namespace Hub.Tests.Support;

/// <summary>A default host (the demo service of PROTOCOL.md section 11, default limits) on 127.0.0.1 and a free port.</summary>
/// <remarks>
/// A stub until the host exists: <see cref="InitializeAsync"/> throws, so every test that uses the fixture
/// fails. The public surface is the contract the conformance runner is written against.
/// </remarks>
public sealed class HubHostFixture : IAsyncLifetime
{
    private const string StubMessage = "HubHostFixture is a stub: the host does not exist yet.";

    /// <summary>The WebSocket endpoint, <c>ws://127.0.0.1:PORT/rpc</c>.</summary>
    public Uri WebSocketUri => throw new NotSupportedException(StubMessage);

    /// <summary>The HTTP endpoint, <c>http://127.0.0.1:PORT/rpc</c>.</summary>
    public Uri HttpUri => throw new NotSupportedException(StubMessage);

    public Task InitializeAsync() => throw new NotSupportedException(StubMessage);

    public Task DisposeAsync() => Task.CompletedTask;
}
