// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;

namespace Gateway.EndToEnd.Tests.Lifecycle;

/// <summary>A ProxyConfig's spec.shutdown.drainPeriod overrides --drain-period.</summary>
public sealed class DrainPeriodTests
{
    [Fact]
    public async Task DrainPeriod_FromProxyConfig_KeepsListenersServingAfterTheStopWhileReadyzSays503()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("a");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClassWithProxyConfig("{shutdown: {drainPeriod: 1500ms}}"), Manifests.Gateway("gw", port),
            Manifests.Backend("a", backend.Port), Manifests.Route("r", "gw", "/", "a")));
        await gateway.StartAsync();
        await Eventually.TrueAsync(async () => (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/"))).IsSuccessStatusCode, "the route serves");

        var clock = Stopwatch.StartNew();
        var stopping = gateway.StopAsync();
        await Eventually.TrueAsync(async () => (await gateway.Client.GetAsync(new Uri(gateway.Admin, "/readyz"))).StatusCode == HttpStatusCode.ServiceUnavailable, "/readyz says 503");
        var duringDrain = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
        await stopping;

        duringDrain.StatusCode.Should().Be(HttpStatusCode.OK, "listeners keep serving through the drain period");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.4), "the ProxyConfig's drain period, not the flag's 0s, is waited out");
    }

    [Fact]
    public async Task DrainPeriod_ThatIsNotADuration_IsReportedOnTheProxyConfig()
    {
        await using var gateway = new GatewayUnderTest();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClassWithProxyConfig("{shutdown: {drainPeriod: soon}}"), Manifests.Gateway("gw", TestPorts.Free())));
        await gateway.StartAsync();

        var status = await gateway.GetStringAsync(new Uri(gateway.Admin, "/status").ToString());

        status.Should().Contain("InvalidParameters").And.Contain("spec.shutdown.drainPeriod: soon is not a duration");
    }
}
