// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.EndToEnd.Tests;

/// <summary>Self-signed serving certificates made on the fly, as kubernetes.io/tls Secret YAML.</summary>
internal static class TestCertificates
{
    public static (string CertificatePem, string KeyPem) Create(string commonName, params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames.Length == 0 ? [commonName] : dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A CA and a client certificate it signed (with its private key), for mutual TLS.</summary>
    public static (string CaPem, X509Certificate2 Client) CreateCaAndClient(string clientName)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={clientName} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest($"CN={clientName}", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var signed = clientRequest.Create(ca, now.AddDays(-1), now.AddDays(10), [1, 2, 3, 4]);
        return (ca.ExportCertificatePem(), signed.CopyWithPrivateKey(clientKey));
    }

    public static string SecretYaml(string ns, string name, string commonName, params string[] dnsNames)
    {
        var (cert, key) = Create(commonName, dnsNames);
        return $"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: {name}
              namespace: {ns}
            type: kubernetes.io/tls
            data:
              tls.crt: {Convert.ToBase64String(Encoding.UTF8.GetBytes(cert))}
              tls.key: {Convert.ToBase64String(Encoding.UTF8.GetBytes(key))}
            """;
    }
}
