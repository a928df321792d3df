namespace Hub.Host.Configuration;

/// <summary>
/// TLS on the cluster transport, between nodes (<c>Hub:Cluster:Tls</c>; environment <c>HUB_TLS_CERTIFICATE_PATH</c>,
/// <c>HUB_TLS_CERTIFICATE_PASSWORD</c>). Off unless a certificate is given. When on, every node presents the same
/// certificate and accepts only peers that present it too, in both directions (mutual TLS, the certificate pinned by
/// its thumbprint): a node without it, or with another, cannot join. Clients never use this port.
/// </summary>
public sealed class HubClusterTlsOptions
{
    /// <summary>A PKCS#12 file (<c>.pfx</c>) with the certificate and its private key, shared by all nodes. Default: none (TLS off).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>. Default: none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>True when a certificate is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
