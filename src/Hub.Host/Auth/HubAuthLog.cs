using Microsoft.Extensions.Logging;

namespace Hub.Host.Auth;

internal static partial class HubAuthLog
{
    [LoggerMessage(1, LogLevel.Warning, "Refused a request to {Path} from a page of {Origin} with 403: its credentials came in a cookie, and the origin is neither the hub's own nor in Hub:AllowedOrigins")]
    public static partial void CrossOriginRefused(ILogger logger, string origin, string path);
}
