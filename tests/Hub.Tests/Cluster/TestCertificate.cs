using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hub.Tests.Cluster;

/// <summary>A self-signed certificate with its key, written as a password-protected .pfx to a temporary folder.</summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _folder;

    private TestCertificate(string folder, string path, string thumbprint)
    {
        _folder = folder;
        Path = path;
        Thumbprint = thumbprint;
    }

    public string Path { get; }

    public string Password { get; } = "test-pfx-password";

    public string Thumbprint { get; }

    /// <summary>The settings that turn on the cluster transport's TLS with this certificate.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Hub:Cluster:Tls:CertificatePath"] = Path,
        ["Hub:Cluster:Tls:CertificatePassword"] = Password,
    };

    public static TestCertificate Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var folder = Directory.CreateTempSubdirectory("hub-tls-").FullName;
        var path = System.IO.Path.Combine(folder, name + ".pfx");
        var created = new TestCertificate(folder, path, certificate.Thumbprint);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, created.Password));
        return created;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
