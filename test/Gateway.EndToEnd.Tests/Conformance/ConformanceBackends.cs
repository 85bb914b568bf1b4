// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Demo;
using Gateway.EndToEnd.Tests.Grpc;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// One echo server per conformance Service (namespace/name), shared by every test in the run. In a cluster
/// these are the upstream echo pods; here they answer with the request they saw, named after the Service, and
/// fail under /retry/ as the upstream retry tests ask (<see cref="RetrySimulation"/>).
/// Services whose every port is h2c (upstream's grpc-infra-backend-*) get a gRPC echo server instead.
/// </summary>
internal static class ConformanceBackends
{
    private static readonly SemaphoreSlim _lock = new(1);
    private static readonly Dictionary<string, DemoBackend> _backends = [];
    private static readonly Dictionary<string, GrpcBackend> _grpcBackends = [];

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

    public static Task<DemoBackend> GetAsync(string ns, string name) =>
        GetOrStartAsync(_backends, $"{ns}/{name}", key => DemoBackend.StartAsync(key, IPAddress.Loopback, 0, before: RetrySimulation.HandleAsync));

    public static async Task<int> GrpcPortOfAsync(string ns, string name) =>
        (await GetOrStartAsync(_grpcBackends, $"{ns}/{name}", GrpcBackend.StartAsync)).Port;

    private static async Task<T> GetOrStartAsync<T>(Dictionary<string, T> backends, string key, Func<string, Task<T>> start)
    {
        await _lock.WaitAsync();
        try
        {
            if (!backends.TryGetValue(key, out var backend))
            {
                backend = await start(key);
                backends[key] = backend;
            }

            return backend;
        }
        finally
        {
            _lock.Release();
        }
    }
}
