// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Kubernetes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.EndToEnd.Tests.Kubernetes;

/// <summary>
/// Per-Gateway Services against an emulated API server: each Gateway's Service leads to container ports of its own, its
/// load balancer's address becomes the Gateway's, and only the leader writes Services.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class GatewayServiceTests
{
    private const string ServicesPath = "api/v1/namespaces/gateway-system/services";

    private static readonly string GatewayA = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: a
        spec:
          gatewayClassName: gateway
          infrastructure:
            labels: {team: web}
            annotations: {example.com/owner: web-team}
          listeners:
          - name: http
            protocol: HTTP
            port: 80
        """;

    /// <summary>Redirects to another host: with no port given, the Location keeps the port the client addressed (80), not the container port.</summary>
    private static readonly string RedirectOnB = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: redirect
        spec:
          parentRefs:
          - name: b
          rules:
          - matches:
            - path: {type: PathPrefix, value: /moved}
            filters:
            - type: RequestRedirect
              requestRedirect: {hostname: example.org}
        """;

    /// <summary>A hundred container ports few things use, different per test run so parallel runs rarely meet.</summary>
    private static string ContainerPorts()
    {
        var first = 20000 + (Random.Shared.Next(0, 90) * 100);
        return $"{first}-{first + 99}";
    }

    private static async Task<JsonObject> GetAsync(EmulatedCluster cluster, string path)
    {
        using var http = new HttpClient();
        return JsonNode.Parse(await http.GetStringAsync(new Uri(cluster.Emulator.BaseAddress, path)))!.AsObject();
    }

    private static async Task SendAsync(EmulatedCluster cluster, HttpMethod method, string path, string? mergePatch = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(cluster.Emulator.BaseAddress, path));
        if (mergePatch is not null)
        {
            request.Content = new StringContent(mergePatch, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        }

        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private static async Task<List<JsonObject>> ServicesAsync(EmulatedCluster cluster) =>
        [.. (await GetAsync(cluster, ServicesPath))["items"]!.AsArray().Select(s => s!.AsObject())];

    private static JsonObject ServiceOf(List<JsonObject> services, string gateway) =>
        services.Single(s => s["metadata"]!["labels"]!["gateway.networking.k8s.io/gateway-name"]!.GetValue<string>() == gateway);

    private static int TargetPort(JsonObject service) => service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<int>();

    private static async Task<JsonNode?> GatewayStatusAsync(EmulatedCluster cluster, string name) =>
        (await GetAsync(cluster, $"apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/{name}"))["status"];

    private static string? Programmed(JsonNode? status) =>
        status?["conditions"]?.AsArray().FirstOrDefault(c => c!["type"]!.GetValue<string>() == "Programmed") is { } c
            ? $"{c["status"]}/{c["reason"]}"
            : null;

    [Fact]
    public async Task TwoGatewaysOnPort80_GetOwnServices_ServeOnlyTheirRoutes_TakeTheLoadBalancerAddress_AndLoseTheServiceWhenDeleted()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        await using var gateway = new GatewayUnderTest(kubeconfig: cluster.KubeconfigPath);
        gateway.Options.ContainerPorts = ContainerPorts();
        var backendA = await gateway.StartBackendAsync("echo-a");
        var backendB = await gateway.StartBackendAsync("echo-b");
        cluster.Emulator.LoadYaml(Manifests.Join(Manifests.GatewayClass, GatewayA, Manifests.Gateway("b", 80),
            Manifests.Backend("echo-a", backendA.Port), Manifests.Backend("echo-b", backendB.Port),
            Manifests.Route("to-a", "a", "/a", "echo-a"), Manifests.Route("to-b", "b", "/b", "echo-b"), RedirectOnB));

        await gateway.StartAsync();
        await Eventually.TrueAsync(async () => (await ServicesAsync(cluster)).Count == 2, "the leader creates one Service per Gateway");

        var services = await ServicesAsync(cluster);
        var (serviceA, serviceB) = (ServiceOf(services, "a"), ServiceOf(services, "b"));
        TargetPort(serviceA).Should().NotBe(TargetPort(serviceB), "two Gateways on port 80 must not share a socket");
        foreach (var service in services)
        {
            service["spec"]!["type"]!.GetValue<string>().Should().Be("LoadBalancer");
            service["spec"]!["selector"]!.ToJsonString().Should().Be("""{"app.kubernetes.io/name":"gateway"}""");
            service["spec"]!["ports"]!.AsArray().Single()!["port"]!.GetValue<int>().Should().Be(80);
            service["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]!.GetValue<string>().Should().Be("gateway.seed.dev_gateway-controller");
            service["metadata"]!["labels"]!["gateway.seed.dev/gateway-namespace"]!.GetValue<string>().Should().Be("default");
        }

        serviceA["metadata"]!["labels"]!["team"]!.GetValue<string>().Should().Be("web", "spec.infrastructure.labels are propagated");
        serviceA["metadata"]!["annotations"]!["example.com/owner"]!.GetValue<string>().Should().Be("web-team");

        // Each target port serves its own Gateway's routes only.
        Uri At(JsonObject service, string path) => new($"http://127.0.0.1:{TargetPort(service)}{path}");
        await Eventually.TrueAsync(async () => (await gateway.Client.GetAsync(At(serviceA, "/a/x"))).StatusCode == HttpStatusCode.OK, "Gateway a serves its route");
        (await gateway.Client.GetAsync(At(serviceB, "/b/x"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await gateway.Client.GetAsync(At(serviceA, "/b/x"))).StatusCode.Should().Be(HttpStatusCode.NotFound, "b's route is not on a's port");
        (await gateway.Client.GetAsync(At(serviceB, "/a/x"))).StatusCode.Should().Be(HttpStatusCode.NotFound, "a's route is not on b's port");
        backendA.Received.Should().OnlyContain(r => r.Contains("/a/", StringComparison.Ordinal));
        using var noRedirects = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
        var redirect = await noRedirects.GetAsync(At(serviceB, "/moved/here"));
        redirect.StatusCode.Should().Be(HttpStatusCode.Found);
        redirect.Headers.Location.Should().Be(new Uri("http://example.org/moved/here"), "the client addressed port 80, which http leaves out");

        // Without a load balancer address the Gateway is not programmed; once the load balancer reports one, it is the Gateway's.
        await Eventually.TrueAsync(async () => Programmed(await GatewayStatusAsync(cluster, "a")) == "False/AddressNotAssigned", "a waits for an address");
        var nameA = serviceA["metadata"]!["name"]!.GetValue<string>();
        await SendAsync(cluster, HttpMethod.Patch, $"{ServicesPath}/{nameA}/status", """{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}""");
        await Eventually.TrueAsync(async () => Programmed(await GatewayStatusAsync(cluster, "a")) == "True/Programmed", "a is programmed once it has an address");
        (await GatewayStatusAsync(cluster, "a"))!["addresses"]!.ToJsonString().Should().Be("""[{"type":"IPAddress","value":"203.0.113.10"}]""");

        cluster.Emulator.RequestLog.Where(r => r.StartsWith($"PATCH /{ServicesPath}/", StringComparison.Ordinal) && !r.Contains("/status", StringComparison.Ordinal))
            .Should().BeEmpty("a Service that matches is not written again");
        await SendAsync(cluster, HttpMethod.Delete, "apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/b");
        await Eventually.TrueAsync(async () => (await ServicesAsync(cluster)).Select(s => s["metadata"]!["name"]!.GetValue<string>()).SequenceEqual([nameA]),
            "deleting a Gateway deletes its Service");
    }

    [Fact]
    public async Task AChangedGateway_PatchesOnlyOurFields_KeepingWhatOthersSet()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        await using var gateway = new GatewayUnderTest(kubeconfig: cluster.KubeconfigPath);
        gateway.Options.ContainerPorts = ContainerPorts();
        cluster.Emulator.LoadYaml(Manifests.Join(Manifests.GatewayClass, GatewayA));
        await gateway.StartAsync();
        await Eventually.TrueAsync(async () => (await ServicesAsync(cluster)).Count == 1, "the Service is created");
        var created = (await ServicesAsync(cluster)).Single();
        var name = created["metadata"]!["name"]!.GetValue<string>();

        // Others set what is theirs: a label, an annotation, a traffic policy, the node port.
        var targetPort = TargetPort(created).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync(cluster, HttpMethod.Patch, $"{ServicesPath}/{name}", $$$"""
            {"metadata":{"labels":{"other":"keep"},"annotations":{"other.example.com/note":"keep"}},
             "spec":{"externalTrafficPolicy":"Local","ports":[{"name":"http-80","port":80,"targetPort":{{{targetPort}}},"protocol":"TCP","nodePort":31080}]}}
            """);
        cluster.Emulator.LoadYaml(GatewayA.Replace("labels: {team: web}", "labels: {tier: front}", StringComparison.Ordinal)
            + "\n  - name: alt\n    protocol: HTTP\n    port: 8080\n");

        await Eventually.TrueAsync(async () => (await ServicesAsync(cluster)).Single()["spec"]!["ports"]!.AsArray().Count == 2, "the new listener port is added");
        var service = (await ServicesAsync(cluster)).Single();
        var labels = service["metadata"]!["labels"]!.AsObject();
        labels["tier"]!.GetValue<string>().Should().Be("front");
        labels.ContainsKey("team").Should().BeFalse("a label the Gateway dropped is removed");
        labels["other"]!.GetValue<string>().Should().Be("keep");
        service["metadata"]!["annotations"]!["other.example.com/note"]!.GetValue<string>().Should().Be("keep");
        service["spec"]!["externalTrafficPolicy"]!.GetValue<string>().Should().Be("Local");
        service["spec"]!["clusterIP"]!.GetValue<string>().Should().Be(created["spec"]!["clusterIP"]!.GetValue<string>());
        var port80 = service["spec"]!["ports"]!.AsArray().Single(p => p!["port"]!.GetValue<int>() == 80)!;
        port80["nodePort"]!.GetValue<int>().Should().Be(31080, "the node port stays");
        port80["targetPort"]!.GetValue<int>().Should().Be(TargetPort(created), "port 80 keeps its container port");
    }

    [Fact]
    public async Task AReplicaThatDoesNotLead_ServesItsGateways_ButWritesNoService_UntilItLeads()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var leader = new LeaderElectionService(cluster.NewClient(), new LeaderElectionOptions
        {
            Namespace = "default",
            Identity = "another-replica",
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1.5),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        }, NullLogger<LeaderElectionService>.Instance);
        await leader.StartAsync(CancellationToken.None);
        await using var gateway = new GatewayUnderTest(kubeconfig: cluster.KubeconfigPath, leaderElect: true);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(leader.IsLeader), "another replica holds the lease");
            gateway.Options.ContainerPorts = ContainerPorts();
            var backend = await gateway.StartBackendAsync("echo");
            cluster.Emulator.LoadYaml(Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("gw", 80),
                Manifests.Backend("echo", backend.Port), Manifests.Route("echo", "gw", "/", "echo")));

            await gateway.StartAsync();
            var bound = 0;
            await Eventually.TrueAsync(async () =>
            {
                var config = JsonNode.Parse(await gateway.GetStringAsync(new Uri(gateway.Admin, "/config").ToString()))!;
                bound = config["listeners"]!.AsArray().SingleOrDefault()?["port"]?.GetValue<int>() ?? 0;
                return bound > 0 && (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{bound}/x"))).IsSuccessStatusCode;
            }, "the replica serves the Gateway on its container port");

            // A negative: the writer's batch window is 100 ms, so ten of them without a Service means it is not writing.
            await Task.Delay(TimeSpan.FromSeconds(1));
            (await ServicesAsync(cluster)).Should().BeEmpty("a replica that does not lead writes no Service");

            await leader.StopAsync(CancellationToken.None);
            await Eventually.TrueAsync(async () => (await ServicesAsync(cluster)).Count == 1, "once it leads, it creates the Service");
            TargetPort((await ServicesAsync(cluster)).Single()).Should().Be(bound, "the Service leads to the port the replica already serves");
        }
        finally
        {
            await leader.StopAsync(CancellationToken.None);
            leader.Dispose();
        }
    }
}
