// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests;

[Trait("Category", "EndToEnd")]
public sealed class TlsTests
{
    [Fact]
    public async Task ChangedSecret_IsServedFromTheNextHandshake_WithoutRestart()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.HttpsGateway("gw", port, "serving"), Manifests.Backend("echo", backend.Port), Manifests.Route("r", "gw", "/", "echo")));
        gateway.WriteFile("secret.yaml", TestCertificates.SecretYaml("default", "serving", "first.example.com"));
        await gateway.StartAsync();

        var first = await TlsProbe.GetAsync("127.0.0.1", port, "first.example.com", "first.example.com", "/");
        first.CertificateSubject.Should().Be("CN=first.example.com");
        first.StatusCode.Should().Be(200);
        first.Body.Should().Contain("\"X-Forwarded-Proto\":\"https\"");

        gateway.WriteFile("secret.yaml", TestCertificates.SecretYaml("default", "serving", "second.example.com"));

        await Eventually.TrueAsync(async () => (await TlsProbe.GetAsync("127.0.0.1", port, "x", "x", "/")).CertificateSubject == "CN=second.example.com",
            "the new certificate is served");
    }

    [Fact]
    public async Task HttpsListener_WithMissingSecret_ComesUpOnceTheSecretIsWritten()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.HttpsGateway("gw", port, "serving"), Manifests.Backend("echo", backend.Port), Manifests.Route("r", "gw", "/", "echo")));
        await gateway.StartAsync();
        (await gateway.GetStringAsync($"{gateway.Admin}status")).Should().Contain("InvalidCertificateRef");

        gateway.WriteFile("secret.yaml", TestCertificates.SecretYaml("default", "serving", "late.example.com"));

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await TlsProbe.GetAsync("127.0.0.1", port, "late.example.com", "late.example.com", "/")).StatusCode == 200;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false; // Not bound yet.
            }
        }, "the listener binds and serves");
    }
}
