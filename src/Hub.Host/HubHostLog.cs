using Microsoft.Extensions.Logging;

namespace Hub.Host;

internal static partial class HubHostLog
{
    [LoggerMessage(1, LogLevel.Warning, "No Hub:Auth:SigningKey is configured: tokens are checked against this user's development key, kept in {Path} (the token command signs with it too). Nodes of a cluster on other machines or users need one shared key: set Hub:Auth:SigningKey or SigningKeyFile.")]
    public static partial void DevelopmentKey(ILogger logger, string path);

    [LoggerMessage(2, LogLevel.Warning, "The cluster downed this node: it stops, and the process exits with code {ExitCode} so that a restart policy brings it back to join again.")]
    public static partial void Downed(ILogger logger, int exitCode);
}
