// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Gateway.Demo;
using Gateway.EndToEnd.Tests.ConfigChannel;
using Xunit.Abstractions;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Passive health checking end to end: a backend that dies under load costs at most the requests in flight on it, its
/// endpoint is ejected so later requests stop trying it, and a backend that comes back on the same port takes traffic again.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class OutlierDetectionTests(ITestOutputHelper output)
{
    private const int Concurrency = 4;

    private static async Task<(GatewayUnderTest Gateway, int Port)> StartAsync(string gatewayClass, params int[] endpointPorts)
    {
        var gateway = new GatewayUnderTest();
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(gatewayClass, Manifests.Gateway("gw", port), Manifests.Pool("pool", endpointPorts), Manifests.Route("r", "gw", "/", "pool")));
        await gateway.StartAsync();
        return (gateway, port);
    }

    /// <summary>A gateway_upstream_* counter for the endpoint 127.0.0.1:port (0 when it has no series yet).</summary>
    private static async Task<double> CounterAsync(GatewayUnderTest gateway, string name, int endpointPort) =>
        await SplitGateways.MetricAsync(gateway, name, $"endpoint=\"127.0.0.1:{endpointPort}\"") ?? 0;

    [Fact]
    public async Task KillingOneOfTwoBackends_UnderLoad_FailsAtMostTheRequestsInFlight_AndItsEndpointIsNoLongerTried()
    {
        var live = await DemoBackend.StartAsync("live", IPAddress.Loopback, 0);
        var doomed = await DemoBackend.StartAsync("doomed", IPAddress.Loopback, 0);
        var doomedPort = doomed.Port;
        var (gateway, port) = await StartAsync(Manifests.GatewayClass, live.Port, doomedPort);
        await using var _ = gateway;
        await using var __ = live;
        try
        {
            var ok = 0;
            var failed = new List<string>();
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/load"));
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref ok);
                        }
                        else
                        {
                            var why = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                            lock (failed)
                            {
                                failed.Add(why);
                            }
                        }
                    }
                    catch (HttpRequestException e)
                    {
                        lock (failed)
                        {
                            failed.Add(e.Message);
                        }
                    }
                }
            })).ToArray();

            await Eventually.TrueAsync(() => Task.FromResult(live.Received.Count >= 50 && doomed.Received.Count >= 50), "both backends take load");
            await doomed.DisposeAsync(); // Its port now refuses connections.
            var okAtKill = Volatile.Read(ref ok);
            await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref ok) >= okAtKill + 400), "400 more requests are answered");
            await stop.CancelAsync();
            await Task.WhenAll(clients);

            var connectFailures = await CounterAsync(gateway, "gateway_upstream_connect_failures_total", doomedPort);
            output.WriteLine($"answered {ok}, failed {failed.Count}, connect failures on the killed endpoint {connectFailures}");
            failed.Should().HaveCountLessThanOrEqualTo(Concurrency, "only requests in flight on the killed backend may fail: {0}", string.Join("; ", failed));
            connectFailures.Should().BeGreaterThan(0).And.BeLessThan(20,
                "after three failed connections in a row the endpoint is ejected for 5 s; without that, half of the 400 requests after the kill would try it");
            (await CounterAsync(gateway, "gateway_upstream_ejections_total", doomedPort)).Should().BeGreaterThanOrEqualTo(1);
            (await SplitGateways.MetricAsync(gateway, "gateway_upstream_ejected_endpoints", "cluster=\"cluster/default/pool/80\"")).Should().Be(1);
        }
        finally
        {
            await doomed.DisposeAsync();
        }
    }

    [Fact]
    public async Task BackendRestartedOnTheSamePort_TakesTrafficAgain_AfterItsEjection()
    {
        var live = await DemoBackend.StartAsync("live", IPAddress.Loopback, 0);
        var restarting = await DemoBackend.StartAsync("restarting", IPAddress.Loopback, 0);
        var restartingPort = restarting.Port;
        var (gateway, port) = await StartAsync(
            Manifests.GatewayClassWithProxyConfig("{healthCheck: {passive: {consecutiveFailures: 1, baseEjectionTime: 500ms}}}"), live.Port, restartingPort);
        await using var _ = gateway;
        await using var __ = live;
        await restarting.DisposeAsync();
        var url = new Uri($"http://127.0.0.1:{port}/");
        await Eventually.TrueAsync(async () =>
        {
            (await gateway.Client.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.OK, "the failed connection is retried on the live endpoint");
            return await CounterAsync(gateway, "gateway_upstream_ejections_total", restartingPort) >= 1;
        }, "the stopped backend's endpoint is ejected");

        await using var restarted = await DemoBackend.StartAsync("restarted", IPAddress.Loopback, restartingPort);
        await Eventually.TrueAsync(async () => (await gateway.GetStringAsync(url.ToString())).Contains("\"backend\":\"restarted\"", StringComparison.Ordinal),
            "the restarted backend is let back in once its ejection is over");
        for (var i = 0; i < 10; i++)
        {
            await gateway.GetStringAsync(url.ToString());
        }

        restarted.Received.Count.Should().BeGreaterThanOrEqualTo(4, "it takes its turn again");
    }

    [Fact]
    public async Task PostWithABody_WhoseConnectionIsRefused_IsSentWholeToTheOtherEndpoint()
    {
        await using var live = await DemoBackend.StartAsync("live", IPAddress.Loopback, 0);
        var dead = TestPorts.Free(); // Nothing listens here.
        var (gateway, port) = await StartAsync(Manifests.GatewayClass, live.Port, dead);
        await using var _ = gateway;

        for (var i = 0; i < 10; i++)
        {
            var body = $"payload {i} " + new string('x', 20_000);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}/submit")) { Content = new StringContent(body) };
            request.Headers.Add("X-Echo-Body", "1");
            using var response = await gateway.Client.SendAsync(request);
            var echo = await response.Content.ReadAsStringAsync();

            response.StatusCode.Should().Be(HttpStatusCode.OK, echo);
            echo.Should().Contain($"\"body\":\"{body}\"", "the body was not read by the failed attempt, so the retry sends all of it");
        }

        (await CounterAsync(gateway, "gateway_upstream_connect_failures_total", dead)).Should().BeGreaterThan(0, "the dead endpoint was tried");
        (await CounterAsync(gateway, "gateway_upstream_connect_retries_total", dead)).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task PassiveChecksTurnedOff_KeepTryingTheDeadEndpoint_ButStillRetryEachFailedConnection()
    {
        await using var live = await DemoBackend.StartAsync("live", IPAddress.Loopback, 0);
        var dead = TestPorts.Free();
        var (gateway, port) = await StartAsync(Manifests.GatewayClassWithProxyConfig("{healthCheck: {passive: {enabled: false}}}"), live.Port, dead);
        await using var _ = gateway;

        for (var i = 0; i < 20; i++)
        {
            (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/"))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await CounterAsync(gateway, "gateway_upstream_connect_failures_total", dead)).Should().BeGreaterThanOrEqualTo(10, "nothing ejects it");
        (await CounterAsync(gateway, "gateway_upstream_ejections_total", dead)).Should().Be(0);
    }
}
