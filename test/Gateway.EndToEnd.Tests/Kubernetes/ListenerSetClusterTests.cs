// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Kubernetes;

/// <summary>ListenerSets in a cluster: watched, their listeners served, their status and the Gateway's count written back.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ListenerSetClusterTests
{
    private static string Objects(int gatewayPort, int listenerSetPort, int backendPort) => Manifests.Join(
        Manifests.GatewayClass,
        Manifests.AllowingListenerSets(Manifests.Gateway("gw", gatewayPort)),
        Manifests.ListenerSet("extra", "gw", "extra-http", listenerSetPort),
        Manifests.Backend("echo", backendPort),
        Manifests.Route("echo", "gw", "/", "echo").Replace("  - name: gw", "  - kind: ListenerSet\n    name: extra", StringComparison.Ordinal));

    private static async Task<JsonNode?> StatusAsync(EmulatedCluster cluster, string path)
    {
        using var http = new HttpClient();
        return JsonNode.Parse(await http.GetStringAsync(new Uri(cluster.Emulator.BaseAddress, path)))!["status"];
    }

    [Fact]
    public async Task KubectlApply_ListenerSet_ServesItsListener_AndGetsStatus()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        await using var gateway = new GatewayUnderTest(gatewayAddresses: "127.0.0.1", kubeconfig: cluster.KubeconfigPath);
        var backend = await gateway.StartBackendAsync("echo");
        var (gatewayPort, listenerSetPort) = (TestPorts.Free(), TestPorts.Free());
        var manifest = Path.Combine(Path.GetTempPath(), $"gateway-e2e-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(manifest, Objects(gatewayPort, listenerSetPort, backend.Port));
        await new Kubectl(cluster.KubeconfigPath).RunAsync("apply", "-f", manifest);
        File.Delete(manifest);

        await gateway.StartAsync();

        await Eventually.TrueAsync(async () => (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{listenerSetPort}/hello"))).IsSuccessStatusCode,
            "the ListenerSet's listener serves the route attached to the ListenerSet");
        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{gatewayPort}/hello"))).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound,
            "the route names the ListenerSet, not the Gateway");
        await Eventually.TrueAsync(async () =>
            (await StatusAsync(cluster, "apis/gateway.networking.k8s.io/v1/namespaces/default/listenersets/extra"))?["conditions"]?.AsArray()
                .Any(c => c!["type"]!.GetValue<string>() == "Accepted" && c["status"]!.GetValue<string>() == "True") == true,
            "the ListenerSet's status is written back");
        var listenerSet = await StatusAsync(cluster, "apis/gateway.networking.k8s.io/v1/namespaces/default/listenersets/extra");
        listenerSet!["listeners"]![0]!["attachedRoutes"]!.GetValue<int>().Should().Be(1);
        await Eventually.TrueAsync(async () =>
            (await StatusAsync(cluster, "apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/gw"))?["attachedListenerSets"]?.GetValue<int>() == 1,
            "the Gateway counts the attached ListenerSet");
        var route = await StatusAsync(cluster, "apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/echo");
        route!["parents"]![0]!["parentRef"]!["kind"]!.GetValue<string>().Should().Be("ListenerSet");
    }
}
