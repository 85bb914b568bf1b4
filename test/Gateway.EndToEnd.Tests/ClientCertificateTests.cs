// SPDX-License-Identifier: Apache-2.0
using System.Security.Authentication;
using Gateway.EndToEnd.Tests.Conformance;

namespace Gateway.EndToEnd.Tests;

/// <summary>Frontend client-certificate validation (spec.tls.frontend) with CA bundles from ConfigMaps.</summary>
[Trait("Category", "EndToEnd")]
[ProvesFeature("GatewayFrontendClientCertificateValidation")]
[ProvesFeature("GatewayFrontendClientCertificateValidationInsecureFallback")]
public sealed class ClientCertificateTests
{
    private static string Gateway(int port, string configMap, string mode) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
        spec:
          gatewayClassName: gateway
          tls:
            frontend:
              default:
                validation:
                  mode: {mode}
                  caCertificateRefs:
                  - kind: ConfigMap
                    group: ""
                    name: {configMap}
          listeners:
          - name: https
            protocol: HTTPS
            port: {port}
            tls:
              certificateRefs:
              - name: serving
        """;

    private static async Task<(GatewayUnderTest Gateway, int Port)> StartAsync(string mode, string caPem)
    {
        var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Gateway(port, "client-ca", mode), TestCertificates.CaConfigMapYaml("client-ca", caPem),
            Manifests.Backend("echo", backend.Port), Manifests.Route("r", "gw", "/", "echo"), TestCertificates.SecretYaml("default", "serving", "mtls.example.com")));
        await gateway.StartAsync();
        return (gateway, port);
    }

    [Fact]
    public async Task ClientSignedByTheCa_IsServed_OthersAreRefused()
    {
        var (caPem, client) = TestCertificates.CreateCaAndClient("trusted-client");
        var (_, stranger) = TestCertificates.CreateCaAndClient("stranger");
        var (gateway, port) = await StartAsync("AllowValidOnly", caPem);
        await using var _ = gateway;

        var trusted = await TlsProbe.GetAsync("127.0.0.1", port, "mtls.example.com", "mtls.example.com", "/", client);
        trusted.StatusCode.Should().Be(200, trusted.Body);

        await FluentActions.Awaiting(() => TlsProbe.GetAsync("127.0.0.1", port, "mtls.example.com", "mtls.example.com", "/", stranger))
            .Should().ThrowAsync<Exception>().Where(e => e is AuthenticationException || e is IOException);
        await FluentActions.Awaiting(() => TlsProbe.GetAsync("127.0.0.1", port, "mtls.example.com", "mtls.example.com", "/"))
            .Should().ThrowAsync<Exception>().Where(e => e is AuthenticationException || e is IOException);
    }

    [Fact]
    public async Task InsecureFallback_ServesClientsWithoutACertificate()
    {
        var (caPem, _) = TestCertificates.CreateCaAndClient("trusted-client");
        var (gateway, port) = await StartAsync("AllowInsecureFallback", caPem);
        await using var _ = gateway;

        var anonymous = await TlsProbe.GetAsync("127.0.0.1", port, "mtls.example.com", "mtls.example.com", "/");

        anonymous.StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task MissingCaConfigMap_MakesTheListenerNotAccepted()
    {
        await using var gateway = new GatewayUnderTest();
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Gateway(port, "absent", "AllowValidOnly"),
            TestCertificates.SecretYaml("default", "serving", "mtls.example.com")));
        await gateway.StartAsync();

        var status = await gateway.GetStringAsync($"{gateway.Admin}status");

        status.Should().Contain("\"reason\": \"NoValidCACertificate\"").And.Contain("\"reason\": \"InvalidCACertificateRef\"");
    }
}
