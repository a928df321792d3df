using Microsoft.Extensions.Logging;

namespace Hub.Host;

internal static partial class HubHostLog
{
    [LoggerMessage(1, LogLevel.Warning, "No Hub:Auth:SigningKey is configured: tokens are checked against the PUBLIC development key, so anyone can mint one. Set Hub:Auth:SigningKey (or Hub:Auth:SigningKeyFile) before exposing this hub.")]
    public static partial void DevelopmentKey(ILogger logger);
}
