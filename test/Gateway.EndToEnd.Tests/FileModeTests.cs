// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests;

/// <summary>The whole pipeline from a --config-dir to bytes on the wire, driven as a user would drive it.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class FileModeTests
{
    [Fact]
    public async Task Request_MatchingRoute_ReachesBackendWithForwardedHeaders()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("echo", backend.Port),
            Manifests.Route("r", "gw", "/app", "echo")));
        await gateway.StartAsync();

        var echo = JsonNode.Parse(await gateway.GetStringAsync($"http://127.0.0.1:{port}/app/page?x=1"))!;

        echo["backend"]!.GetValue<string>().Should().Be("echo");
        echo["path"]!.GetValue<string>().Should().Be("/app/page?x=1");
        echo["host"]!.GetValue<string>().Should().Be($"127.0.0.1:{port}");
        echo["headers"]!["X-Forwarded-For"]!.GetValue<string>().Should().Be("127.0.0.1");
        echo["headers"]!["X-Forwarded-Proto"]!.GetValue<string>().Should().Be("http");
    }

    [Fact]
    public async Task Request_NoMatchOrNoEndpoints_GetsShortErrorsThatSayWhy()
    {
        await using var gateway = new GatewayUnderTest();
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("empty", null),
            Manifests.Route("r", "gw", "/empty", "empty"), Manifests.Route("gone", "gw", "/gone", "missing")));
        await gateway.StartAsync();

        var notFound = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/elsewhere"));
        var noEndpoints = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/empty"));
        var invalid = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/gone"));

        notFound.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await notFound.Content.ReadAsStringAsync()).Should().Contain("No route matches");
        noEndpoints.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await noEndpoints.Content.ReadAsStringAsync()).Should().Contain("No ready endpoints");
        invalid.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task RouteEdit_UnderLoad_TakesEffectWithoutAFailedRequest()
    {
        await using var gateway = new GatewayUnderTest();
        var blue = await gateway.StartBackendAsync("blue");
        var green = await gateway.StartBackendAsync("green");
        var port = TestPorts.Free();
        gateway.WriteFile("infra.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port),
            Manifests.Backend("blue", blue.Port), Manifests.Backend("green", green.Port)));
        gateway.WriteFile("route.yaml", Manifests.Route("r", "gw", "/", "blue"));
        await gateway.StartAsync();

        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var seen = new HashSet<string>();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/live"));
                var body = await response.Content.ReadAsStringAsync();
                lock (seen)
                {
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Add($"{(int)response.StatusCode} {body}");
                    }
                    else
                    {
                        seen.Add(JsonNode.Parse(body)!["backend"]!.GetValue<string>());
                    }
                }
            }
        });

        await Eventually.TrueAsync(() => Task.FromResult(Seen("blue")), "traffic flows to blue");
        gateway.WriteFile("route.yaml", Manifests.Route("r", "gw", "/", "green"));
        await Eventually.TrueAsync(() => Task.FromResult(Seen("green")), "the edited route sends traffic to green");
        await stop.CancelAsync();
        await load;

        failures.Should().BeEmpty("a config change must not fail a single request");

        bool Seen(string name)
        {
            lock (seen)
            {
                return seen.Contains(name);
            }
        }
    }

    [Fact]
    public async Task MalformedFile_KeepsServingAndIsReportedInStatus()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("infra.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("echo", backend.Port)));
        gateway.WriteFile("route.yaml", Manifests.Route("r", "gw", "/", "echo"));
        await gateway.StartAsync();

        gateway.WriteFile("route.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r\n");
        await Eventually.TrueAsync(async () => (await gateway.GetStringAsync($"{gateway.Admin}status")).Contains("route.yaml:", StringComparison.Ordinal),
            "/status reports the bad file");

        var response = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/still-here"));
        response.StatusCode.Should().Be(HttpStatusCode.OK, "the route from the last good version of the file stays in force");
        (await gateway.Client.GetAsync(new Uri(gateway.Admin, "/readyz"))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GatewayAddedAtRuntime_BindsItsListenerWithoutRestart()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var first = TestPorts.Free();
        var second = TestPorts.Free();
        gateway.WriteFile("infra.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("one", first), Manifests.Backend("echo", backend.Port)));
        await gateway.StartAsync();

        gateway.WriteFile("two.yaml", Manifests.Join(Manifests.Gateway("two", second), Manifests.Route("r", "two", "/", "echo")));

        await Eventually.TrueAsync(async () => (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{second}/"))).IsSuccessStatusCode,
            "the new Gateway's listener serves its route");
        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{first}/"))).StatusCode.Should().Be(HttpStatusCode.NotFound,
            "the route belongs to the other Gateway");
    }

    [Fact]
    public async Task GatewayAddresses_GiveEachGatewayItsOwnAddressAndRoutes()
    {
        await using var gateway = new GatewayUnderTest(gatewayAddresses: "127.0.77.1-127.0.77.10");
        var a = await gateway.StartBackendAsync("a");
        var b = await gateway.StartBackendAsync("b");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw-a", port), Manifests.Gateway("gw-b", port),
            Manifests.Backend("a", a.Port), Manifests.Backend("b", b.Port),
            Manifests.Route("to-a", "gw-a", "/", "a"), Manifests.Route("to-b", "gw-b", "/only-b", "b")));
        await gateway.StartAsync();

        var status = JsonNode.Parse(await gateway.GetStringAsync($"{gateway.Admin}status"))!["items"]!.AsArray();
        string AddressOf(string name) => status.Single(i => i!["kind"]!.GetValue<string>() == "Gateway" && i["metadata"]!["name"]!.GetValue<string>() == name)!
            ["status"]!["addresses"]![0]!["value"]!.GetValue<string>();
        var addressA = AddressOf("gw-a");
        var addressB = AddressOf("gw-b");

        addressA.Should().StartWith("127.0.77.").And.NotBe(addressB);
        JsonNode.Parse(await gateway.GetStringAsync($"http://{addressA}:{port}/x"))!["backend"]!.GetValue<string>().Should().Be("a");
        JsonNode.Parse(await gateway.GetStringAsync($"http://{addressB}:{port}/only-b"))!["backend"]!.GetValue<string>().Should().Be("b");
        (await gateway.Client.GetAsync(new Uri($"http://{addressB}:{port}/x"))).StatusCode.Should().Be(HttpStatusCode.NotFound,
            "gw-a's catch-all route must not leak onto gw-b");
    }

    [Fact]
    public async Task AdminServer_ServesStatusConfigAndMetrics_WithoutSecretData()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        const string secretData = "c3VwZXItc2VjcmV0LWtleQ==";
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("echo", backend.Port),
            Manifests.Route("r", "gw", "/", "echo"),
            $"apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.key: {secretData}\n"));
        await gateway.StartAsync();
        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/hello"))).EnsureSuccessStatusCode();

        var health = await gateway.GetStringAsync($"{gateway.Admin}healthz");
        var config = await gateway.GetStringAsync($"{gateway.Admin}config");
        var status = JsonNode.Parse(await gateway.GetStringAsync($"{gateway.Admin}status"))!;
        var metrics = await gateway.GetStringAsync($"{gateway.Admin}metrics");

        health.Should().Contain("ok");
        JsonNode.Parse(config)!["version"]!.GetValue<long>().Should().BeGreaterThan(0);
        config.Should().NotContain(secretData);
        status["kind"]!.GetValue<string>().Should().Be("List");
        var route = status["items"]!.AsArray().Single(i => i!["kind"]!.GetValue<string>() == "HTTPRoute")!;
        route["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);
        var accepted = route["status"]!["parents"]![0]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Accepted")!;
        accepted["status"]!.GetValue<string>().Should().Be("True");
        accepted["observedGeneration"]!.GetValue<long>().Should().Be(1);
        accepted["lastTransitionTime"].Should().NotBeNull();
        metrics.Should().Contain("gateway_request_duration_seconds_count{").And.Contain("gateway=\"default/gw\"");
        metrics.Should().Contain("gateway_config_applies_total").And.Contain("gateway_objects{");
        JsonSerializer.Serialize(status).Should().NotContain(secretData);
    }

    [Fact]
    public async Task MetricsAndStatus_AreNotServedOnTrafficListeners()
    {
        await using var gateway = new GatewayUnderTest();
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("gw", port)));
        await gateway.StartAsync();

        var response = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/status"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GatewayListenerOnTheAdminPortNumber_DoesNotServeAdminPages()
    {
        await using var gateway = new GatewayUnderTest(gatewayAddresses: "127.0.88.1-127.0.88.5");
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("gw", gateway.Options.AdminPort)));
        await gateway.StartAsync();
        var status = JsonNode.Parse(await gateway.GetStringAsync($"{gateway.Admin}status"))!;
        var address = status["items"]!.AsArray().Single(i => i!["kind"]!.GetValue<string>() == "Gateway")!["status"]!["addresses"]![0]!["value"]!.GetValue<string>();

        var response = await gateway.Client.GetAsync(new Uri($"http://{address}:{gateway.Options.AdminPort}/status"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound, "the Gateway's own listener answers, not the admin server");
        (await response.Content.ReadAsStringAsync()).Should().Contain("No route matches");
    }
}
