// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;

namespace Gateway.EndToEnd.Tests;

/// <summary>A listener whose port is taken by another process: the others serve, it is reported, and it binds once freed.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ListenerBindTests
{
    [Fact]
    public async Task TakenPort_OtherListenerServes_ReadyzNamesIt_BindsOnceFreed()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var free = TestPorts.Free();
        var taken = TestPorts.Free();
        var squatter = new TcpListener(IPAddress.Loopback, taken);
        squatter.Start();
        try
        {
            gateway.WriteFile("all.yaml", Manifests.Join(
                Manifests.GatewayClass, TwoListenerGateway("gw", free, taken), Manifests.Backend("echo", backend.Port),
                Manifests.Route("r", "gw", "/", "echo")));
            await gateway.StartAsync(waitUntilReady: false);

            await Eventually.TrueAsync(
                async () => (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{free}/a"))).StatusCode == HttpStatusCode.OK,
                "the free listener serves");
            var readyz = await gateway.Client.GetAsync(new Uri(gateway.Admin, "/readyz"));
            readyz.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await readyz.Content.ReadAsStringAsync()).Should().Contain($"127.0.0.1:{taken} (AddressAlreadyInUse)");
            var metrics = await gateway.GetStringAsync($"{gateway.Admin}metrics");
            metrics.Split('\n').Should().Contain(l => l.StartsWith("gateway_listener_bind_failures_total{", StringComparison.Ordinal)
                && l.Contains($"address=\"127.0.0.1:{taken}\"", StringComparison.Ordinal));
        }
        finally
        {
            squatter.Stop();
        }

        await Eventually.TrueAsync(
            async () => (await gateway.Client.GetAsync(new Uri(gateway.Admin, "/readyz"))).StatusCode == HttpStatusCode.OK,
            "/readyz turns 200 once the port is free", TimeSpan.FromSeconds(10));
        var response = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{taken}/b"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static string TwoListenerGateway(string name, int first, int second) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: {name}
        spec:
          gatewayClassName: gateway
          listeners:
          - name: first
            protocol: HTTP
            port: {first}
          - name: second
            protocol: HTTP
            port: {second}
        """;
}
