// SPDX-License-Identifier: Apache-2.0
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// What the upstream suite creates before its tests: a CA per validation setting (ConfigMaps with ca.crt) and a client
/// certificate each CA signed.
/// </summary>
public sealed class FrontendValidationFixture : IAsyncLifetime
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
            Manifests =
            [
                "gateway-with-clientcertificate-validation.yaml", "gateway-with-clientcertificate-validation-insecure-fallback.yaml",
                "gateway-invalid-default-frontend-client-certificate-validation.yaml", "gateway-with-invalid-clientcertificate-validation.yaml",
            ],
            ExtraDocuments =
            [
                TestCertificates.CaConfigMapYaml("tls-validity-checks-ca-certificate", defaultCa, ConformanceGateway.InfraNamespace),
                TestCertificates.CaConfigMapYaml("tls-validity-checks-per-port-ca-certificate", perPortCa, ConformanceGateway.InfraNamespace),
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
}

/// <summary>
/// Upstream GatewayFrontendClientCertificateValidationInsecureFallback: with AllowInsecureFallback (by default and per
/// port) the Gateway says so in a condition, and clients with the right, a wrong or no certificate are all served.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GatewayFrontendClientCertificateValidation")]
[ProvesFeature("GatewayFrontendClientCertificateValidationInsecureFallback")]
public sealed class GatewayFrontendClientCertificateValidationInsecureFallbackTests(FrontendValidationFixture fixture) : IClassFixture<FrontendValidationFixture>
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

/// <summary>
/// Upstream GatewayFrontendClientCertificateValidation, GatewayInvalidFrontendClientCertificateValidation and
/// GatewayInvalidDefaultFrontendClientCertificateValidation: only clients whose certificate the port's CA signed are
/// served, and unusable CA references leave the HTTPS listener unaccepted without touching the HTTP one.
/// </summary>
[Trait("Category", "Conformance")]
[ProvesFeature("GatewayFrontendClientCertificateValidation")]
public sealed class GatewayFrontendClientCertificateValidationTests(FrontendValidationFixture fixture) : IClassFixture<FrontendValidationFixture>
{
    private const string Valid = "client-validation-default";
    private const string InvalidDefault = "invalid-default-client-validation-config";
    private const string Invalid = "gateway-with-invalid-client-cert-validation";

    [Theory]
    [InlineData(443, "example.org", "default", "per-port", "infra-backend-v1")]
    [InlineData(8443, "second-example.org", "per-port", "default", "infra-backend-v2")]
    public async Task OnlyAClientSignedByThePortsCa_IsServed(int port, string host, string trusted, string untrusted, string backend)
    {
        string[] routes = ["client-certificate-validation-https-test", "client-certificate-validation-https-test-no-hostname"];
        await GatewayStatusChecks.GatewayAndRoutesMustBeAcceptedAsync(fixture.Gateway, Valid, routes);
        foreach (var route in routes)
        {
            await GatewayStatusChecks.RouteMustHaveConditionAsync(fixture.Gateway, route, Valid, "ResolvedRefs", "True", "ResolvedRefs");
        }

        var response = await fixture.Gateway.SendTlsAsync(Valid, host, host, "/", port, Client(trusted));
        response.StatusCode.Should().Be(200, response.Body);
        response.Body.Should().Contain($"\"{ConformanceGateway.InfraNamespace}/{backend}\"");

        await FluentActions.Awaiting(() => fixture.Gateway.SendTlsAsync(Valid, host, host, "/", port, Client(untrusted)))
            .Should().ThrowAsync<Exception>().Where(e => e is AuthenticationException || e is IOException);
    }

    [Fact]
    public async Task InvalidDefault_LeavesTheHttpListenerServing_AndTheHttpsListenerUnaccepted()
    {
        await ListenerMustHaveAsync(InvalidDefault, "http", ("ResolvedRefs", "True", ""), ("Accepted", "True", ""), ("Programmed", "True", ""));
        var response = await fixture.Gateway.SendAsync(InvalidDefault, "example.org", "/");
        response.StatusCode.Should().Be(200, response.Body);
        response.Backend.Should().Be($"{ConformanceGateway.InfraNamespace}/infra-backend-v1");

        await ListenerMustHaveAsync(InvalidDefault, "https",
            ("ResolvedRefs", "False", "InvalidCACertificateRef"), ("Accepted", "False", "NoValidCACertificate"), ("Programmed", "False", ""));
        await FluentActions.Awaiting(() => fixture.Gateway.SendTlsAsync(InvalidDefault, "example.org", "example.org", "/"))
            .Should().ThrowAsync<Exception>().Where(e => e is AuthenticationException || e is IOException || e is System.Net.Sockets.SocketException);
    }

    [Theory]
    [InlineData("https", "True", "", "True", "", "True")]
    [InlineData("https-unresolved", "False", "InvalidCACertificateRef", "False", "NoValidCACertificate", "False")]
    [InlineData("https-invalid-kind", "False", "InvalidCACertificateKind", "False", "NoValidCACertificate", "False")]
    [InlineData("https-grant-missing", "False", "RefNotPermitted", "False", "NoValidCACertificate", "False")]
    public Task InvalidCaReferences_AreReportedPerListener(string listener, string resolved, string resolvedReason, string accepted, string acceptedReason, string programmed) =>
        ListenerMustHaveAsync(Invalid, listener, ("ResolvedRefs", resolved, resolvedReason), ("Accepted", accepted, acceptedReason), ("Programmed", programmed, ""));

    private X509Certificate2 Client(string which) => which == "default" ? fixture.DefaultClient : fixture.PerPortClient;

    private Task ListenerMustHaveAsync(string gateway, string listener, params (string Type, string Status, string Reason)[] conditions) =>
        GatewayStatusChecks.ListenerMustHaveConditionsAsync(fixture.Gateway, gateway, listener, conditions);
}
