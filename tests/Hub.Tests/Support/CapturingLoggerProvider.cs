using Hub.Tests.Client;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Support;

/// <summary>Hands one <see cref="CapturingLogger"/> to every category of a host, so a test sees what the hub and Kestrel log.</summary>
internal sealed class CapturingLoggerProvider(CapturingLogger logger) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void Dispose()
    {
    }
}
