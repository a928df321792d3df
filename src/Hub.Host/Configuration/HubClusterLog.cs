using Microsoft.Extensions.Logging;

namespace Hub.Host.Configuration;

/// <summary>Logs of the cluster transport's setup (category <c>Hub.Host.Cluster</c>).</summary>
internal static partial class HubClusterLog
{
    [LoggerMessage(1, LogLevel.Information, "Cluster transport at {Address}: TLS, mutual; peers must present certificate {Subject} ({Thumbprint})")]
    public static partial void TlsOn(ILogger logger, string address, string subject, string thumbprint);

    [LoggerMessage(2, LogLevel.Information, "Cluster transport at {Address}: plain TCP, peers unauthenticated; keep the port unreachable from clients, or set Hub:Cluster:Tls:CertificatePath")]
    public static partial void TlsOff(ILogger logger, string address);
}
