// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography.X509Certificates;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// What the upstream suite creates before its tests: a CA per validation setting (ConfigMaps with ca.crt) and a client
/// certificate each CA signed.
/// </summary>
public sealed class InsecureFallbackFixture : IAsyncLifetime
{
    private ConformanceGateway? _gateway;

    internal ConformanceGateway Gateway => _gateway ?? throw new InvalidOperationException("not started");
    internal X509Certificate2 DefaultClient { get; private set; } = null!;
    internal X509Certificate2 PerPortClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (defaultCa, defaultClient) = TestCertificates.CreateCaAndClient("default-client");
        var (perPortCa, perPortClient) = TestCertificates.CreateCaAndClient("per-port-client");
        (DefaultClient, PerPortClient) = (defaultClient, perPortClient);
        _gateway = await ConformanceGateway.StartAsync(new ConformanceSetup
        {
            Manifests = ["gateway-with-clientcertificate-validation-insecure-fallback.yaml"],
            ExtraDocuments =
            [
                CaConfigMap("tls-validity-checks-ca-certificate", defaultCa),
                CaConfigMap("tls-validity-checks-per-port-ca-certificate", perPortCa),
            ],
        });
    }

    public async Task DisposeAsync()
    {
        DefaultClient?.Dispose();
        PerPortClient?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    private static string CaConfigMap(string name, string pem) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ConformanceGateway.InfraNamespace}\ndata:\n  ca.crt: |\n"
        + string.Join("\n", pem.Trim().Split('\n').Select(l => "    " + l)) + "\n";
}

/// <summary>
/// Upstream GatewayFrontendClientCertificateValidationInsecureFallback: with AllowInsecureFallback (by default and per
/// port) the Gateway says so in a condition, and clients with the right, a wrong or no certificate are all served.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GatewayFrontendClientCertificateValidation")]
[ProvesFeature("GatewayFrontendClientCertificateValidationInsecureFallback")]
public sealed class GatewayFrontendClientCertificateValidationInsecureFallbackTests(InsecureFallbackFixture fixture) : IClassFixture<InsecureFallbackFixture>
{
    private const string Gateway = "client-validation-insecure-fallback";

    private async Task GatewayAndRoutesAcceptedAsync()
    {
        string[] routes = ["client-cert-validation-insecure-fallback-test", "client-cert-validation-insecure-fallback-test-no-hostname"];
        await GatewayStatusChecks.GatewayAndRoutesMustBeAcceptedAsync(fixture.Gateway, Gateway, routes);
        foreach (var route in routes)
        {
            await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, route, Gateway, "ResolvedRefs", "True", "ResolvedRefs");
        }
    }

    [Fact]
    public async Task Gateway_HasInsecureFrontendValidationModeCondition()
    {
        await GatewayAndRoutesAcceptedAsync();

        await GatewayStatusChecks.MustHaveConditionAsync(fixture.Gateway, Gateway, "InsecureFrontendValidationMode", "True", "ConfigurationChanged");
    }

    [Theory]
    [InlineData(443, "example.org", "default", "infra-backend-v1")]
    [InlineData(443, "example.org", "per-port", "infra-backend-v1")]
    [InlineData(443, "example.org", null, "infra-backend-v1")]
    [InlineData(8443, "second-example.org", "per-port", "infra-backend-v2")]
    [InlineData(8443, "second-example.org", "default", "infra-backend-v2")]
    [InlineData(8443, "second-example.org", null, "infra-backend-v2")]
    public async Task Request_WithMatchingWrongOrNoClientCertificate_IsServed(int port, string host, string? client, string backend)
    {
        await GatewayAndRoutesAcceptedAsync();
        var certificate = client switch { "default" => fixture.DefaultClient, "per-port" => fixture.PerPortClient, _ => null };

        var response = await fixture.Gateway.SendTlsAsync(Gateway, host, host, "/", port, certificate);

        response.StatusCode.Should().Be(200, response.Body);
        response.Body.Should().Contain($"\"{ConformanceGateway.InfraNamespace}/{backend}\"");
    }
}
