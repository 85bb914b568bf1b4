// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Model.Core;
using Gateway.Sources.Files;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// The upstream conformance manifests served by a real gateway: the base
/// manifests plus one test's manifests, with EndpointSlices added that point each Service at a local echo
/// server. Each instance gets its own loopback address range, so Gateways listen on their real ports (80, 443)
/// without clashing with other tests. Binding ports below 1024 needs root (or a lowered
/// net.ipv4.ip_unprivileged_port_start), as on CI.
/// </summary>
internal sealed class ConformanceGateway : IAsyncDisposable
{
    public const string ClassName = "gateway-conformance";
    public const string InfraNamespace = "gateway-conformance-infra";
    private static int _instances;
    private readonly GatewayUnderTest _gateway;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private readonly int _instance;
    private readonly ConformanceSetup _setup;

    private ConformanceGateway(GatewayUnderTest gateway, int instance, ConformanceSetup setup) => (_gateway, _instance, _setup) = (gateway, instance, setup);

    /// <summary>The upstream manifests (see <see cref="UpstreamMaterial"/>).</summary>
    public static string ManifestDir => UpstreamMaterial.ConformanceDir;

    public GatewayUnderTest Gateway => _gateway;

    public static Task<ConformanceGateway> StartAsync(params string[] testManifests) => StartAsync(new ConformanceSetup { Manifests = testManifests });

    public static async Task<ConformanceGateway> StartAsync(ConformanceSetup setup)
    {
        var instance = Interlocked.Increment(ref _instances);
        var gateway = new GatewayUnderTest(gatewayAddresses: setup.AddressPool ? $"127.{40 + instance}.0.1-127.{40 + instance}.0.200" : null);
        var documents = new List<string>();
        if (setup.BaseManifests)
        {
            documents.Add(Read("manifests.yaml"));
        }

        documents.AddRange(setup.Manifests.Select(m => setup.Rewrite(Read(m))));
        for (var i = 0; i < documents.Count; i++)
        {
            gateway.WriteFile($"{i:00}.yaml", documents[i]);
        }

        gateway.WriteFile("harness.yaml", string.Join("\n---\n", [await HarnessAsync(documents), .. setup.ExtraDocuments]));
        await gateway.StartAsync();
        return new ConformanceGateway(gateway, instance, setup);
    }

    /// <summary>The pool a gateway started with <see cref="ConformanceSetup.AddressPool"/> hands out: 127.(40+instance).0.1-200.</summary>
    public string PoolAddress(int last) => $"127.{40 + _instance}.0.{last}";

    /// <summary>Replaces one of the setup's test manifests, as a user editing the object would (kubectl apply).</summary>
    public void ReplaceManifest(string manifest, string content)
    {
        var index = Array.IndexOf(_setup.Manifests, manifest) + (_setup.BaseManifests ? 1 : 0);
        _gateway.WriteFile($"{index:00}.yaml", content);
    }

    /// <summary>The test manifest as the gateway was given it (after the setup's rewrite).</summary>
    public string ManifestText(string manifest) => _setup.Rewrite(Read(manifest));

    /// <summary>The status the gateway reports for one object, waiting until it is there.</summary>
    public async Task<JsonNode> StatusOfAsync(string kind, string ns, string name)
    {
        JsonNode? found = null;
        await Eventually.TrueAsync(async () =>
        {
            var list = JsonNode.Parse(await _gateway.GetStringAsync($"{_gateway.Admin}status"))!;
            found = list["items"]!.AsArray().FirstOrDefault(i =>
                i!["kind"]!.GetValue<string>() == kind && i["metadata"]!["name"]!.GetValue<string>() == name
                && (i["metadata"]!["namespace"]?.GetValue<string>() ?? "") == ns)?["status"];
            return found is not null;
        }, $"{kind} {ns}/{name} has a status");
        return found!;
    }

    public async Task<string> AddressOfAsync(string gatewayName, string ns = InfraNamespace)
    {
        var status = await StatusOfAsync("Gateway", ns, gatewayName);
        return status["addresses"]![0]!["value"]!.GetValue<string>();
    }

    public async Task<ConformanceResponse> SendAsync(
        string gatewayName, string host, string path, string method = "GET",
        IEnumerable<KeyValuePair<string, string>>? headers = null, int port = 80, string ns = InfraNamespace)
    {
        var address = await AddressOfAsync(gatewayName, ns);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri($"http://{address}:{port}{path}"));
        request.Headers.Host = host;
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new ConformanceResponse(response, body);
    }

    /// <summary>An HTTPS request with independent SNI and Host, to one of a Gateway's listeners.</summary>
    public async Task<TlsProbe.Result> SendTlsAsync(string gatewayName, string serverName, string host, string path, int port = 443,
        System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        var address = await AddressOfAsync(gatewayName);
        return await TlsProbe.GetAsync(address, port, serverName, host, path, clientCertificate);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
    }

    private static string Read(string file) =>
        File.ReadAllText(Path.Combine(ManifestDir, file)).Replace("{GATEWAY_CLASS_NAME}", ClassName, StringComparison.Ordinal);

    /// <summary>Our GatewayClass plus an EndpointSlice per Service, each pointing at that Service's echo server (gRPC for Services whose every port is h2c: upstream's grpc-infra-backend-*).</summary>
    private static async Task<string> HarnessAsync(IEnumerable<string> documents)
    {
        var yaml = new StringBuilder($"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata:
              name: {ClassName}
            spec:
              controllerName: gateway.seed.dev/gateway-controller
            ---
            {TestCertificates.SecretYaml(InfraNamespace, "tls-validity-checks-certificate", "example.org",
                "example.org", "second-example.org", "*.wildcard.org", "fourth-example.wildcard.org", "*.example.org")}
            ---
            {TestCertificates.SecretYaml("gateway-conformance-web-backend", "certificate", "web-backend.example.org")}

            """);
        var services = documents
            .SelectMany(d => ManifestLoader.Load("conformance.yaml", d).Objects)
            .Select(o => o.Object)
            .OfType<V1Service>();
        var (tlsBackend, tlsCa) = await ConformanceBackends.TlsBackendAsync();
        var (unrelatedCa, _, _) = TestCertificates.CreateCaAndServer("unrelated.example.com");
        yaml.Append("---\n").Append(TestCertificates.CaConfigMapYaml("tls-checks-ca-certificate", tlsCa, InfraNamespace))
            .Append("---\n").Append(TestCertificates.CaConfigMapYaml("mismatch-ca-certificate", unrelatedCa, InfraNamespace))
            .Append("\n---\n").Append(TestCertificates.TlsSecretYaml(InfraNamespace, "tls-checks-client-certificate",
                ConformanceBackends.ClientCertificate.CertificatePem, ConformanceBackends.ClientCertificate.KeyPem)).Append('\n');
        foreach (var service in services)
        {
            var ns = service.Metadata.Namespace!;
            var app = service.Spec.Selector?.GetValueOrDefault("app") ?? "";
            var port = app == "tls-backend-2" ? (await ConformanceBackends.TlsBackendAsync(app)).Backend.Port
                : app.StartsWith("tls-backend", StringComparison.Ordinal) ? tlsBackend.Port
                : service.Spec.Ports.All(p => p.AppProtocol == "kubernetes.io/h2c") ? await ConformanceBackends.GrpcPortOfAsync(ns, service.Metadata.Name)
                : await PortOfAsync(ns, service.Metadata.Name);
            yaml.Append($"""
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: {service.Metadata.Name}-harness
                  namespace: {ns}
                  labels:
                    kubernetes.io/service-name: {service.Metadata.Name}
                addressType: IPv4
                endpoints:
                - addresses: [127.0.0.1]
                ports:

                """);
            foreach (var servicePort in service.Spec.Ports)
            {
                // Upstream's tcp-* pods speak a line protocol (tcp-backend on a plain and a TLS port).
                var portNumber = app.StartsWith("tcp-", StringComparison.Ordinal)
                    ? await ConformanceBackends.LinePortOfAsync(ns, service.Metadata.Name, servicePort.Name?.Contains("tls", StringComparison.Ordinal) == true)
                    : port;
                yaml.Append($"- name: \"{servicePort.Name ?? ""}\"\n  port: {portNumber}\n");
            }
        }

        return yaml.ToString();
    }

    private static Task<int> PortOfAsync(string ns, string name) => ConformanceBackends.PortOfAsync(ns, name);
}

/// <summary>What a conformance gateway serves besides the base manifests, and how.</summary>
internal sealed record ConformanceSetup
{
    /// <summary>Upstream test manifests (file names in the conformance directory).</summary>
    public string[] Manifests { get; init; } = [];

    /// <summary>What the upstream suite creates itself (CA ConfigMaps, client certificates), as YAML documents.</summary>
    public string[] ExtraDocuments { get; init; } = [];

    /// <summary>Applied to each test manifest, as the upstream applier fills in placeholders.</summary>
    public Func<string, string> Rewrite { get; init; } = m => m;

    /// <summary>Start with --gateway-addresses (the instance's own range); without it Gateways bind 127.0.0.1.</summary>
    public bool AddressPool { get; init; } = true;

    public bool BaseManifests { get; init; } = true;
}

/// <summary>What the client got, and (when a backend answered) what the backend saw.</summary>
internal sealed class ConformanceResponse
{
    public ConformanceResponse(HttpResponseMessage response, string body)
    {
        StatusCode = (int)response.StatusCode;
        Body = body;
        Headers = response.Headers.Concat(response.Content.Headers)
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(",", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
        Location = response.Headers.Location?.ToString();
        try
        {
            Echo = body.StartsWith('{') ? JsonNode.Parse(body) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            Echo = null;
        }
    }

    public int StatusCode { get; }
    public string Body { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }
    public string? Location { get; }
    public JsonNode? Echo { get; }

    /// <summary>namespace/name of the Service whose echo server answered, or null.</summary>
    public string? Backend => Echo?["backend"]?.GetValue<string>();
    public string? BackendPath => Echo?["path"]?.GetValue<string>();
    public string? BackendHost => Echo?["host"]?.GetValue<string>();

    public string? BackendHeader(string name) =>
        Echo?["headers"] is JsonObject headers
            ? headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>()
            : null;

    public override string ToString() => $"{StatusCode} {Body.Trim()}";
}
