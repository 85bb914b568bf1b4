// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Gateway.EndToEnd.Tests.Conformance;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// BackendTLSPolicy: TLS to the targeted Service with the policy's SNI, CA and names; a policy the gateway cannot
/// use answers 500 instead of sending plain text; status per Gateway the Service is reached from.
/// </summary>
[Trait("Category", "EndToEnd")]
[ProvesFeature("BackendTLSPolicy")]
[ProvesFeature("BackendTLSPolicySANValidation")]
public sealed class BackendTlsPolicyTests
{
    private static string Policy(string name, string service, string hostname, string caRefs, string extra = "") => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata:
          name: {name}
        spec:
          targetRefs:
          - group: ""
            kind: Service
            name: {service}
          validation:
            hostname: {hostname}
            caCertificateRefs: {caRefs}
        {extra}
        """;

    private static Task<(GatewayUnderTest Gateway, int Port, TlsEchoBackend Backend)> StartAsync(params string[] policies) =>
        StartWithClassAsync(Manifests.GatewayClass, policies);

    private static async Task<(GatewayUnderTest Gateway, int Port, TlsEchoBackend Backend)> StartWithClassAsync(string gatewayClass, params string[] policies)
    {
        var (caPem, certificatePem, keyPem) = TestCertificates.CreateCaAndServer("backend.example.com");
        var (otherCa, _, _) = TestCertificates.CreateCaAndServer("other.example.com");
        var backend = await TlsEchoBackend.StartAsync(certificatePem, keyPem);
        var gateway = new GatewayUnderTest();
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
        [
            gatewayClass, Manifests.Gateway("gw", port), TestCertificates.CaConfigMapYaml("backend-ca", caPem), TestCertificates.CaConfigMapYaml("other-ca", otherCa),
            Manifests.Backend("secure", backend.Port), Manifests.Route("r", "gw", "/", "secure"), .. policies,
        ]));
        await gateway.StartAsync();
        return (gateway, port, backend);
    }

    private const string BackendCa = "[{group: \"\", kind: ConfigMap, name: backend-ca}]";

    [Fact]
    public async Task ValidPolicy_SpeaksTlsWithThePolicysHostnameAsSni_AndKeepsTheHost()
    {
        var (gateway, port, backend) = await StartAsync(Policy("tls", "secure", "backend.example.com", BackendCa));
        await using var _ = gateway;
        await using var __ = backend;

        var body = await GetAsync(gateway, port, "app.example.com", 200);

        body["sni"]!.GetValue<string>().Should().Be("backend.example.com");
        body["host"]!.GetValue<string>().Should().Be("app.example.com");
        body["path"]!.GetValue<string>().Should().Be("/hello");
        var status = await PolicyStatusAsync(gateway, "tls");
        Condition(status, "Accepted").Should().Be("True/Accepted");
        Condition(status, "ResolvedRefs").Should().Be("True/ResolvedRefs");
        status["ancestors"]![0]!["ancestorRef"]!["name"]!.GetValue<string>().Should().Be("gw");
    }

    [Theory]
    [InlineData("backend.example.com", "[{group: \"\", kind: ConfigMap, name: other-ca}]", "")]
    [InlineData("wrong.example.com", BackendCa, "")]
    [InlineData("backend.example.com", BackendCa, "    subjectAltNames: [{type: Hostname, hostname: elsewhere.example.com}]")]
    public async Task CertificateThePolicyDoesNotTrust_Answers502(string hostname, string caRefs, string extra)
    {
        var (gateway, port, backend) = await StartAsync(Policy("tls", "secure", hostname, caRefs, extra));
        await using var _ = gateway;
        await using var __ = backend;

        await GetAsync(gateway, port, "app.example.com", 502);
    }

    [Fact]
    public async Task SubjectAltName_IsWhatTheCertificateMustBeFor_WhileTheHostnameIsTheSni()
    {
        var (gateway, port, backend) = await StartAsync(Policy("tls", "secure", "sni.example.com", BackendCa,
            "    subjectAltNames: [{type: Hostname, hostname: backend.example.com}]"));
        await using var _ = gateway;
        await using var __ = backend;

        var body = await GetAsync(gateway, port, "app.example.com", 200);

        body["sni"]!.GetValue<string>().Should().Be("sni.example.com");
    }

    [Theory]
    [InlineData("[{group: \"\", kind: ConfigMap, name: missing}]", "InvalidCACertificateRef")]
    [InlineData("[{group: example.com, kind: Vault, name: ca}]", "InvalidKind")]
    public async Task UnusableCa_Answers500_AndIsReported(string caRefs, string reason)
    {
        var (gateway, port, backend) = await StartAsync(Policy("tls", "secure", "backend.example.com", caRefs));
        await using var _ = gateway;
        await using var __ = backend;

        await GetAsync(gateway, port, "app.example.com", 500);
        var status = await PolicyStatusAsync(gateway, "tls");
        Condition(status, "Accepted").Should().Be("False/NoValidCACertificate");
        Condition(status, "ResolvedRefs").Should().Be($"False/{reason}");
    }

    [Fact]
    public async Task SecondPolicyForTheSameService_IsConflicted_AndTheFirstIsUsed()
    {
        var (gateway, port, backend) = await StartAsync(
            Policy("a-first", "secure", "backend.example.com", BackendCa).Replace("metadata:\n", "metadata:\n  creationTimestamp: \"2026-01-01T00:00:00Z\"\n", StringComparison.Ordinal),
            Policy("b-second", "secure", "wrong.example.com", BackendCa).Replace("metadata:\n", "metadata:\n  creationTimestamp: \"2026-01-02T00:00:00Z\"\n", StringComparison.Ordinal));
        await using var _ = gateway;
        await using var __ = backend;

        await GetAsync(gateway, port, "app.example.com", 200);
        Condition(await PolicyStatusAsync(gateway, "a-first"), "Accepted").Should().Be("True/Accepted");
        Condition(await PolicyStatusAsync(gateway, "b-second"), "Accepted").Should().Be("False/Conflicted");
    }

    [Fact]
    public async Task ActiveHealthChecks_ProbeTheTlsBackendOverTls()
    {
        var (gateway, _, backend) = await StartWithClassAsync(
            Manifests.GatewayClassWithProxyConfig("{healthCheck: {active: {enabled: true, path: /healthz, interval: 100ms, timeout: 500ms}}}"),
            Policy("tls", "secure", "backend.example.com", BackendCa));
        await using var _ = gateway;
        await using var __ = backend;

        await Eventually.TrueAsync(() => Task.FromResult(backend.Received.Contains("backend.example.com /healthz")), "a health check arrives over TLS");
    }

    private static async Task<JsonNode> GetAsync(GatewayUnderTest gateway, int port, string host, int expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/hello"));
        request.Headers.Host = host;
        using var response = await gateway.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(expected, body);
        return expected == 200 ? JsonNode.Parse(body)! : new JsonObject();
    }

    private static async Task<JsonNode> PolicyStatusAsync(GatewayUnderTest gateway, string name)
    {
        JsonNode? found = null;
        await Eventually.TrueAsync(async () =>
        {
            found = JsonNode.Parse(await gateway.GetStringAsync($"{gateway.Admin}status"))!["items"]!.AsArray()
                .FirstOrDefault(i => i!["kind"]!.GetValue<string>() == "BackendTLSPolicy" && i["metadata"]!["name"]!.GetValue<string>() == name)?["status"];
            return found is not null;
        }, $"BackendTLSPolicy {name} has a status");
        return found!;
    }

    private static string Condition(JsonNode status, string type) =>
        status["ancestors"]![0]!["conditions"]!.AsArray().Where(c => c!["type"]!.GetValue<string>() == type)
            .Select(c => $"{c!["status"]!.GetValue<string>()}/{c["reason"]!.GetValue<string>()}").Single();
}
