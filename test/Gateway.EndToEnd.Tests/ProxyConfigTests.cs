// SPDX-License-Identifier: Apache-2.0
using System.Net;

namespace Gateway.EndToEnd.Tests;

/// <summary>A GatewayClass's ProxyConfig sets data-plane defaults for its Gateways.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ProxyConfigTests
{
    [Fact]
    public async Task RequestTimeout_FromProxyConfig_AppliesToRoutesWithoutTheirOwn()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("slow");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClassWithProxyConfig("defaults", "default", "{timeouts: {request: 300ms}}"),
            Manifests.Gateway("gw", port), Manifests.Backend("slow", backend.Port), Manifests.Route("r", "gw", "/", "slow")));
        await gateway.StartAsync();

        using var slow = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/slow"));
        slow.Headers.Add("X-Echo-Delay", "1500");
        var response = await gateway.Client.SendAsync(slow);
        var fast = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/fast"));

        response.StatusCode.Should().Be(HttpStatusCode.GatewayTimeout);
        fast.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
