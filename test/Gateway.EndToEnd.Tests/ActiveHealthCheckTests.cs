// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using Gateway.EndToEnd.Tests.ConfigChannel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Active health checks end to end: a backend that accepts connections and answers requests but whose health path
/// says 503 (which passive checks cannot see) is taken out of rotation within about interval × unhealthyThreshold and
/// gets no user request until its health path answers 200 again. Off by default.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class ActiveHealthCheckTests(ITestOutputHelper output)
{
    private const string Cluster = "cluster=\"cluster/default/pool/80\"";

    private const string ActiveChecks =
        "{healthCheck: {active: {enabled: true, path: /healthz, interval: 200ms, timeout: 500ms, unhealthyThreshold: 2, healthyThreshold: 1}}}";

    /// <summary>A backend whose /healthz answers 200 or 503 as told, and every other path 200 with its name.</summary>
    private sealed class Backend : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _userRequests;
        private int _healthRequests;

        private Backend(WebApplication app) => _app = app;

        public volatile bool Healthy = true;

        public int UserRequests => Volatile.Read(ref _userRequests);

        public int HealthRequests => Volatile.Read(ref _healthRequests);

        public int Port => new Uri(_app.Urls.First()).Port;

        public static async Task<Backend> StartAsync(string name)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var backend = new Backend(app);
            app.Run(context =>
            {
                if (context.Request.Path == "/healthz")
                {
                    Interlocked.Increment(ref backend._healthRequests);
                    context.Response.StatusCode = backend.Healthy ? 200 : 503;
                    return Task.CompletedTask;
                }

                Interlocked.Increment(ref backend._userRequests);
                return context.Response.WriteAsync(name);
            });
            await app.StartAsync();
            return backend;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    private static async Task<(GatewayUnderTest Gateway, Uri Url)> StartAsync(string gatewayClass, Backend a, Backend b)
    {
        var gateway = new GatewayUnderTest();
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(gatewayClass, Manifests.Gateway("gw", port), Manifests.Pool("pool", a.Port, b.Port), Manifests.Route("r", "gw", "/", "pool")));
        await gateway.StartAsync();
        return (gateway, new Uri($"http://127.0.0.1:{port}/work"));
    }

    private static async Task SendAsync(GatewayUnderTest gateway, Uri url, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await gateway.Client.GetAsync(url);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task BackendWhoseHealthPathAnswers503_IsOutOfRotationWithinTheThreshold_AndBackWhenItAnswers200()
    {
        await using var good = await Backend.StartAsync("good");
        await using var sick = await Backend.StartAsync("sick");
        var (gateway, url) = await StartAsync(Manifests.GatewayClassWithProxyConfig(ActiveChecks), good, sick);
        await using var _ = gateway;
        await SendAsync(gateway, url, 10);
        sick.UserRequests.Should().BeGreaterThan(0, "both endpoints take turns while both are healthy");
        await Eventually.TrueAsync(async () => await SplitGateways.MetricAsync(gateway, "gateway_upstream_unhealthy_endpoints", Cluster) == 0,
            "the cluster is checked, with no endpoint out");

        sick.Healthy = false;
        var turned = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => await SplitGateways.MetricAsync(gateway, "gateway_upstream_unhealthy_endpoints", Cluster) == 1,
            "the endpoint whose health path answers 503 is out of rotation", TimeSpan.FromSeconds(10));
        output.WriteLine($"out of rotation {turned.ElapsedMilliseconds} ms after its health path turned 503 (interval 200 ms, threshold 2)");
        turned.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3), "two checks 200 ms (±10 %) apart; the rest is slack for a loaded machine");

        var before = sick.UserRequests;
        await SendAsync(gateway, url, 20);
        sick.UserRequests.Should().Be(before, "an endpoint failing its active checks gets no user requests, though it would answer them");
        (await SplitGateways.MetricAsync(gateway, "gateway_upstream_health_checks_total", $"endpoint=\"127.0.0.1:{sick.Port}\",result=\"bad_status\""))
            .Should().BeGreaterThanOrEqualTo(2);

        sick.Healthy = true;
        await Eventually.TrueAsync(async () =>
        {
            await SendAsync(gateway, url, 2);
            return sick.UserRequests > before;
        }, "the endpoint takes traffic again once its health path answers 200");
        await Eventually.TrueAsync(async () => await SplitGateways.MetricAsync(gateway, "gateway_upstream_unhealthy_endpoints", Cluster) == 0,
            "the gauge shows it back (the exporter caches a scrape for a moment)");
    }

    [Fact]
    public async Task WithActiveChecksOff_NothingIsProbed_AndA503HealthPathChangesNothing()
    {
        await using var good = await Backend.StartAsync("good");
        await using var sick = await Backend.StartAsync("sick");
        sick.Healthy = false;
        var (gateway, url) = await StartAsync(Manifests.GatewayClass, good, sick);
        await using var _ = gateway;

        await SendAsync(gateway, url, 20);
        sick.UserRequests.Should().Be(10, "round robin over two endpoints: active checks are opt-in");
        sick.HealthRequests.Should().Be(0);
        good.HealthRequests.Should().Be(0);
        (await SplitGateways.MetricAsync(gateway, "gateway_upstream_unhealthy_endpoints")).Should().BeNull();
    }
}
