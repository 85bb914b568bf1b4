// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Demo;
using Gateway.EndToEnd.Tests.Grpc;
using Gateway.EndToEnd.Tests.Layer4;

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

    private static readonly Dictionary<string, TlsEchoBackend> _tlsBackends = [];
    private static readonly Dictionary<string, LineEchoBackend> _lineBackends = [];

    /// <summary>The CA, certificate and key of every TLS backend: the names the upstream suite gives tls-checks-certificate.</summary>
    private static readonly Lazy<(string Ca, string Certificate, string Key)> _tlsMaterial =
        new(() => TestCertificates.CreateCaAndServer("abc.example.com", "spiffe://abc.example.com/test-identity", "other.example.com"));

    public static async Task<int> PortOfAsync(string ns, string name) => (await GetAsync(ns, name)).Port;

    /// <summary>
    /// The HTTPS echo server behind every Service that selects app: tls-backend, with a certificate for the names the
    /// upstream suite gives tls-checks-certificate, signed by the CA it puts in the ConfigMap tls-checks-ca-certificate.
    /// </summary>
    /// <param name="service">The Service it stands for (upstream has tls-backend and tls-backend-2), reported as "backend".</param>
    public static async Task<(TlsEchoBackend Backend, string CaPem)> TlsBackendAsync(string service = "tls-backend")
    {
        var (ca, certificate, key) = _tlsMaterial.Value;
        var backend = await GetOrStartAsync(_tlsBackends, service,
            name => TlsEchoBackend.StartAsync(certificate, key, $"{ConformanceGateway.InfraNamespace}/{name}"));
        return (backend, ca);
    }

    /// <summary>
    /// The line-protocol echo server behind one port of an upstream tcp-backend Service (tcp-backend-v1, ...): over TLS,
    /// with the certificate of the TLS backends, when the port's name says tls.
    /// </summary>
    public static async Task<int> LinePortOfAsync(string ns, string service, bool tls)
    {
        var (_, certificate, key) = _tlsMaterial.Value;
        var backend = await GetOrStartAsync(_lineBackends, $"{ns}/{service}/{(tls ? "tls" : "plain")}",
            _ => Task.FromResult(LineEchoBackend.Start(ns, service, tls ? X509Certificate2.CreateFromPem(certificate, key) : null)));
        return backend.Port;
    }

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
