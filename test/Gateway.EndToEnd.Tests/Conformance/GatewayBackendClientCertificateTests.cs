// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

public sealed class BackendClientCertificateFixture : ConformanceFixture
{
    protected override string[] Manifests => ["gateway-invalid-tls-backend-configuration.yaml", "gateway-tls-backend-client-certificate.yaml"];
}

/// <summary>
/// Upstream GatewayInvalidTLSBackendConfiguration and GatewayBackendClientCertificate: spec.tls.backend.clientCertificateRef
/// is presented to TLS backends, and a reference the gateway cannot use is the Gateway's ResolvedRefs=False.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GatewayBackendClientCertificate")]
[ProvesFeature("BackendTLSPolicy")]
public sealed class GatewayBackendClientCertificateTests(BackendClientCertificateFixture fixture) : IClassFixture<BackendClientCertificateFixture>
{
    [Theory]
    [InlineData("gateway-client-certificate-nonexistent-secret", "InvalidClientCertificateRef")]
    [InlineData("gateway-client-certificate-unsupported-group", "InvalidClientCertificateRef")]
    [InlineData("gateway-client-certificate-unsupported-kind", "InvalidClientCertificateRef")]
    [InlineData("gateway-client-certificate-malformed-secret", "InvalidClientCertificateRef")]
    [InlineData("gateway-client-certificate-missing-reference-grant", "RefNotPermitted")]
    public async Task UnusableClientCertificate_IsUnresolved_ButTheGatewayIsAccepted(string gateway, string reason)
    {
        await GatewayStatusChecks.MustHaveLatestConditionsAsync(fixture.Gateway, gateway);
        await GatewayStatusChecks.MustHaveConditionAsync(fixture.Gateway, gateway, "ResolvedRefs", "False", reason);
        await GatewayStatusChecks.MustHaveConditionAsync(fixture.Gateway, gateway, "Accepted", "True", "Accepted");
    }

    [Fact]
    public async Task ClientCertificate_IsPresentedToTheTlsBackend()
    {
        const string name = "gateway-tls-backend-client-certificate";
        await GatewayStatusChecks.GatewayAndRoutesMustBeAcceptedAsync(fixture.Gateway, name, name);
        await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, name, name, "ResolvedRefs", "True", "ResolvedRefs");
        await GatewayStatusChecks.PolicyMustHaveConditionAsync(fixture.Gateway, "gateway-tls-backend-client-certificate-test", name, "Accepted", "True", "Accepted");
        await GatewayStatusChecks.MustHaveConditionAsync(fixture.Gateway, name, "ResolvedRefs", "True", "ResolvedRefs");

        var response = await fixture.Gateway.SendAsync(name, "abc.example.com", "/");

        response.StatusCode.Should().Be(200, response.Body);
        response.Echo!["sni"]!.GetValue<string>().Should().Be("abc.example.com");
        response.Echo["clientCert"]?.GetValue<string>().Trim().Should().Be(ConformanceBackends.ClientCertificate.CertificatePem.Trim());
    }
}
