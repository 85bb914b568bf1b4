// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Demo;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// One echo server per conformance Service (namespace/name), shared by every test in the run. In a cluster
/// these are the upstream echo pods; here they answer with the request they saw, named after the Service.
/// </summary>
internal static class ConformanceBackends
{
    private static readonly SemaphoreSlim _lock = new(1);
    private static readonly Dictionary<string, DemoBackend> _backends = [];

    private static readonly Lazy<Task<(TlsEchoBackend Backend, string CaPem)>> _tlsBackend = new(StartTlsBackendAsync);

    public static async Task<int> PortOfAsync(string ns, string name) => (await GetAsync(ns, name)).Port;

    /// <summary>
    /// The HTTPS echo server behind every Service that selects app: tls-backend, with a certificate for the names the
    /// upstream suite gives tls-checks-certificate, signed by the CA it puts in the ConfigMap tls-checks-ca-certificate.
    /// </summary>
    public static Task<(TlsEchoBackend Backend, string CaPem)> TlsBackendAsync() => _tlsBackend.Value;

    /// <summary>What the upstream suite puts in tls-checks-client-certificate: a client certificate and its key, as PEM.</summary>
    public static (string CertificatePem, string KeyPem) ClientCertificate { get; } = MakeClientCertificate();

    private static (string, string) MakeClientCertificate()
    {
        var (_, client) = TestCertificates.CreateCaAndClient("tls-checks-client");
        using (client)
        {
            return (client.ExportCertificatePem(), client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }
    }

    private static async Task<(TlsEchoBackend, string)> StartTlsBackendAsync()
    {
        var (ca, certificate, key) = TestCertificates.CreateCaAndServer("abc.example.com", "spiffe://abc.example.com/test-identity", "other.example.com");
        return (await TlsEchoBackend.StartAsync(certificate, key, $"{ConformanceGateway.InfraNamespace}/tls-backend"), ca);
    }

    public static async Task<DemoBackend> GetAsync(string ns, string name)
    {
        await _lock.WaitAsync();
        try
        {
            var key = $"{ns}/{name}";
            if (!_backends.TryGetValue(key, out var backend))
            {
                backend = await DemoBackend.StartAsync(key, IPAddress.Loopback, 0);
                _backends[key] = backend;
            }

            return backend;
        }
        finally
        {
            _lock.Release();
        }
    }
}
