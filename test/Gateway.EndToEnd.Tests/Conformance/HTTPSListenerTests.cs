// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class HttpsFixture : ConformanceFixture
{
    protected override string[] Manifests => ["httproute-https-listener.yaml", "httproute-https-listener-detect-misdirected-requests.yaml"];
}

public sealed class TlsConfigurationFixture : ConformanceFixture
{
    protected override string[] Manifests =>
    [
        "gateway-invalid-tls-configuration.yaml", "gateway-secret-invalid-reference-grant.yaml", "gateway-secret-missing-reference-grant.yaml",
    ];
}

public sealed class SecretReferenceGrantFixture : ConformanceFixture
{
    protected override string[] Manifests => ["gateway-secret-reference-grant-specific.yaml"];
}

/// <summary>HTTPS listeners: TLS termination with certificates from Secrets, SNI, and 421 for misdirected requests.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("Gateway")]
[ProvesFeature("GatewayHTTPSListenerDetectMisdirectedRequests")]
public sealed class HTTPSListenerTests(HttpsFixture fixture) : IClassFixture<HttpsFixture>
{
    private const string Gateway = "same-namespace-with-https-listener";

    [Theory]
    [InlineData("example.org", "example.org", 200, "infra-backend-v1")]
    [InlineData("example.org", "second-example.org", 421, null)]
    [InlineData("example.org", "unknown-example.org", 404, null)]
    [InlineData("second-example.org", "second-example.org", 200, "infra-backend-v2")]
    [InlineData("second-example.org", "example.org", 421, null)]
    [InlineData("second-example.org", "unknown-example.org", 421, null)]
    [InlineData("third-example.wildcard.org", "third-example.wildcard.org", 200, "infra-backend-v3")]
    [InlineData("third-example.wildcard.org", "fith-example.wildcard.org", 200, "infra-backend-v3")]
    [InlineData("third-example.wildcard.org", "fourth-example.wildcard.org", 421, null)]
    [InlineData("fourth-example.wildcard.org", "fourth-example.wildcard.org", 200, "infra-backend-v1")]
    [InlineData("fourth-example.wildcard.org", "fith-example.wildcard.org", 421, null)]
    [InlineData("unknown-example.org", "example.org", 200, "infra-backend-v1")]
    [InlineData("unknown-example.org", "unknown-example.org", 404, null)]
    public async Task Request_ServerNameAndHost_AreServedByOneListenerOrMisdirected(string serverName, string host, int status, string? backend)
    {
        var response = await fixture.Gateway.SendTlsAsync(Gateway, serverName, host, "/detect-misdirected-requests");

        response.StatusCode.Should().Be(status, response.Body);
        response.CertificateSubject.Should().Be("CN=example.org");
        if (backend is not null)
        {
            response.Body.Should().Contain($"\"{ConformanceGateway.InfraNamespace}/{backend}\"");
        }
    }

    [Theory]
    [InlineData("example.org", "example.org", "infra-backend-v1")]
    [InlineData("second-example.org", "second-example.org", "infra-backend-v2")]
    public async Task Request_OverHttps_ReachesTheRoutesBackend(string serverName, string host, string backend)
    {
        var response = await fixture.Gateway.SendTlsAsync(Gateway, serverName, host, "/");

        response.StatusCode.Should().Be(200, response.Body);
        response.Body.Should().Contain($"\"{ConformanceGateway.InfraNamespace}/{backend}\"").And.Contain("\"X-Forwarded-Proto\":\"https\"");
    }
}

/// <summary>Certificate references that cannot be used are reported with the upstream reasons.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("Gateway")]
[ProvesFeature("ReferenceGrant")]
public sealed class GatewayTlsConfigurationTests(TlsConfigurationFixture fixture) : IClassFixture<TlsConfigurationFixture>
{
    [Theory]
    [InlineData("gateway-certificate-nonexistent-secret", "InvalidCertificateRef")]
    [InlineData("gateway-certificate-unsupported-group", "InvalidCertificateRef")]
    [InlineData("gateway-certificate-unsupported-kind", "InvalidCertificateRef")]
    [InlineData("gateway-certificate-malformed-secret", "InvalidCertificateRef")]
    [InlineData("gateway-secret-invalid-reference-grant", "RefNotPermitted")]
    [InlineData("gateway-secret-missing-reference-grant", "RefNotPermitted")]
    public async Task Listener_WithUnusableCertificate_IsNotProgrammed(string gateway, string reason)
    {
        var status = await fixture.Gateway.StatusOfAsync("Gateway", ConformanceGateway.InfraNamespace, gateway);
        var conditions = status["listeners"]![0]!["conditions"]!.AsArray();

        Condition(conditions, "ResolvedRefs")["status"]!.GetValue<string>().Should().Be("False");
        Condition(conditions, "ResolvedRefs")["reason"]!.GetValue<string>().Should().Be(reason);
        Condition(conditions, "Programmed")["status"]!.GetValue<string>().Should().Be("False");
    }

    internal static JsonNode Condition(JsonArray conditions, string type) =>
        conditions.Single(c => c!["type"]!.GetValue<string>() == type)!;
}

/// <summary>A Secret in another namespace is usable once a ReferenceGrant there allows it.</summary>
[Trait("Category", "Conformance")]
[ProvesFeature("ReferenceGrant")]
public sealed class GatewaySecretReferenceGrantTests(SecretReferenceGrantFixture fixture) : IClassFixture<SecretReferenceGrantFixture>
{
    [Fact]
    public async Task Listener_WithReferenceGrantForTheSecret_IsProgrammedAndServesIt()
    {
        var status = await fixture.Gateway.StatusOfAsync("Gateway", ConformanceGateway.InfraNamespace, "gateway-secret-reference-grant-specific");
        var conditions = status["listeners"]![0]!["conditions"]!.AsArray();

        GatewayTlsConfigurationTests.Condition(conditions, "ResolvedRefs")["status"]!.GetValue<string>().Should().Be("True");
        GatewayTlsConfigurationTests.Condition(conditions, "Programmed")["status"]!.GetValue<string>().Should().Be("True");
        var response = await fixture.Gateway.SendTlsAsync("gateway-secret-reference-grant-specific", "web-backend.example.org", "web-backend.example.org", "/");
        response.CertificateSubject.Should().Be("CN=web-backend.example.org");
        response.StatusCode.Should().Be(404, "no route is attached; the TLS handshake itself is what is tested");
    }
}
