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
        var now = DateTimeOffset.UtcNow;
        using var ca = CreateCa($"{clientName} CA", now);

        var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest($"CN={clientName}", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var signed = clientRequest.Create(ca, now.AddDays(-1), now.AddDays(10), [1, 2, 3, 4]);
        return (ca.ExportCertificatePem(), signed.CopyWithPrivateKey(clientKey));
    }

    /// <summary>A CA and a serving certificate it signed for dnsName (and moreNames: DNS names, or URIs with "://"), all as PEM.</summary>
    public static (string CaPem, string CertificatePem, string KeyPem) CreateCaAndServer(string dnsName, params string[] moreNames)
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CreateCa($"{dnsName} CA", now);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        foreach (var name in moreNames)
        {
            if (name.Contains("://", StringComparison.Ordinal))
            {
                san.AddUri(new Uri(name));
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(ca, now.AddDays(-1), now.AddDays(10), [5, 6, 7, 8]);
        return (ca.ExportCertificatePem(), signed.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static X509Certificate2 CreateCa(string commonName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    /// <summary>A ConfigMap holding a CA bundle under ca.crt, as frontend validation and BackendTLSPolicy read it.</summary>
    public static string CaConfigMapYaml(string name, string pem, string? ns = null) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{(ns is null ? "" : $"  namespace: {ns}\n")}data:\n  ca.crt: |\n"
        + string.Join("\n", pem.Trim().Split('\n').Select(l => "    " + l)) + "\n";

    public static string SecretYaml(string ns, string name, string commonName, params string[] dnsNames)
    {
        var (cert, key) = Create(commonName, dnsNames);
        return TlsSecretYaml(ns, name, cert, key);
    }

    public static string TlsSecretYaml(string ns, string name, string cert, string key) =>
        $"""
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
