using Hub.Tests.Client;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Cluster;

/// <summary>A logger provider for one hub: every category's entries into one <see cref="CapturingLogger"/>.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    public CapturingLogger Logger { get; } = new();

    public ILogger CreateLogger(string categoryName) => Logger;

    public void Dispose()
    {
    }
}
