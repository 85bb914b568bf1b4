// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Requests are recorded once, in gateway_request_duration_seconds (its _count is the request count), by Gateway and
/// status code; by route only where the class's ProxyConfig asks for it, so the label sets stay bounded at any number of routes.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class RequestMetricsTests
{
    [Fact]
    public async Task Requests_AreCountedByGatewayAndCode_WithoutARouteLabel_ByDefault()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, Manifests.GatewayClass);

        var lines = await RequestCountsAfterAsync(gateway, port);

        lines.Should().ContainSingle(l => l.Contains("gateway=\"default/gw\"", StringComparison.Ordinal) && l.Contains("code=\"200\"", StringComparison.Ordinal)
            && Value(l) == 3, "three requests reached the route");
        lines.Should().ContainSingle(l => l.Contains("code=\"404\"", StringComparison.Ordinal) && Value(l) == 1);
        lines.Should().NotContain(l => l.Contains("route=", StringComparison.Ordinal), "per-route labels are opt-in");
        (await gateway.GetStringAsync($"{gateway.Admin}metrics")).Should().NotContain("gateway_requests_total", "the duration histogram's count is the request count");
    }

    [Fact]
    public async Task Requests_AreCountedByRoute_WhenTheProxyConfigAsksForRouteLabels()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, Manifests.GatewayClassWithProxyConfig("{metrics: {routeLabels: true}}"));

        var lines = await RequestCountsAfterAsync(gateway, port);

        lines.Should().ContainSingle(l => l.Contains("route=\"HTTPRoute/default/r\"", StringComparison.Ordinal)
            && l.Contains("gateway=\"default/gw\"", StringComparison.Ordinal) && Value(l) == 3);
        lines.Should().ContainSingle(l => l.Contains("route=\"none\"", StringComparison.Ordinal) && l.Contains("code=\"404\"", StringComparison.Ordinal));
    }

    private static async Task<int> ServeAsync(GatewayUnderTest gateway, string gatewayClass)
    {
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            gatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("echo", backend.Port), Manifests.Route("r", "gw", "/app", "echo")));
        await gateway.StartAsync();
        return port;
    }

    /// <summary>Three requests to the route and one that matches nothing; the request-count series of this Gateway then.</summary>
    private static async Task<string[]> RequestCountsAfterAsync(GatewayUnderTest gateway, int port)
    {
        for (var i = 0; i < 3; i++)
        {
            (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/app"))).EnsureSuccessStatusCode();
        }

        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/elsewhere"))).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        string[] lines = [];
        await Eventually.TrueAsync(async () =>
        {
            lines = [.. (await gateway.GetStringAsync($"{gateway.Admin}metrics")).Split('\n')
                .Where(l => l.StartsWith("gateway_request_duration_seconds_count{", StringComparison.Ordinal) && l.Contains("gateway=\"default/gw\"", StringComparison.Ordinal))];
            return lines.Sum(Value) >= 4;
        }, "the four requests are recorded");
        return lines;
    }

    /// <summary>A series' value: the number after its labels (a timestamp may follow).</summary>
    private static long Value(string line) =>
        long.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
}
