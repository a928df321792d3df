using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;

namespace Hub.Host.Configuration;

/// <summary>Turns <see cref="HubClusterTlsOptions"/> into Akka.Remote's TLS settings.</summary>
internal static class HubClusterTls
{
    /// <summary>The scheme of cluster addresses without TLS, and with it.</summary>
    public const string PlainScheme = "akka.tcp://";

    public const string TlsScheme = "akka.ssl.tcp://";

    /// <summary>Loads the certificate of <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOperationException">The file is missing or unreadable, or holds no private key.</exception>
    public static X509Certificate2 LoadCertificate(HubClusterTlsOptions options)
    {
        var path = options.CertificatePath!;
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Hub:Cluster:Tls:CertificatePath '{path}' cannot be read as a PKCS#12 (.pfx) file with this password: {ex.Message}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"Hub:Cluster:Tls:CertificatePath '{path}' holds no private key; the cluster transport needs one.");
        }

        return certificate;
    }

    /// <summary>Akka.Remote's settings for <paramref name="cluster"/>: where to listen, and TLS with <paramref name="certificate"/> when given.</summary>
    public static RemoteOptions Remoting(HubClusterOptions cluster, X509Certificate2? certificate)
    {
        var remote = new RemoteOptions
        {
            HostName = cluster.Hostname,
            PublicHostName = cluster.PublicHostname ?? cluster.Hostname,
            Port = cluster.Port,
        };
        if (certificate is not null)
        {
            remote.EnableSsl = true;
            remote.Ssl = Ssl(certificate);
        }

        return remote;
    }

    /// <summary>
    /// Akka.Remote's TLS for <paramref name="certificate"/>: mutual (each side presents it), and a peer is accepted
    /// only when its certificate has the same thumbprint. The chain is not checked against a certificate authority
    /// (a self-signed certificate serves), nor the host name (nodes are reached by service names or addresses).
    /// </summary>
    public static SslOptions Ssl(X509Certificate2 certificate) => new()
    {
        X509Certificate = certificate,
        SuppressValidation = false,
        RequireMutualAuthentication = true,
        ValidateCertificateHostname = false,
        CustomValidator = CertificateValidation.PinnedCertificate(certificate.Thumbprint),
    };

    /// <summary>Seed addresses in the scheme the transport uses: <c>akka.tcp://</c> seeds become <c>akka.ssl.tcp://</c> under TLS.</summary>
    public static string[] Seeds(HubClusterOptions cluster) =>
        cluster.Tls.Enabled
            ? [.. cluster.Seeds.Select(s => s.StartsWith(PlainScheme, StringComparison.Ordinal) ? TlsScheme + s[PlainScheme.Length..] : s)]
            : cluster.Seeds;
}
