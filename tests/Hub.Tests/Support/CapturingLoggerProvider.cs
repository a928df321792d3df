using Hub.Tests.Client;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Support;

/// <summary>Hands one <see cref="CapturingLogger"/> to every category, so a test sees all that a host logs, in order.</summary>
internal sealed class CapturingLoggerProvider(CapturingLogger logger) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void Dispose()
    {
    }
}
