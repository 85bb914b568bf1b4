// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Kubernetes;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.EndToEnd.Tests.Kubernetes;

/// <summary>The gateway against an emulated API server: kubectl apply → traffic and status; API outage → traffic keeps flowing.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ClusterModeTests
{
    /// <summary>The file-mode test builders serve here too: the same YAML goes through kubectl.</summary>
    private static string Objects(int listenerPort, int backendPort, string path) => Manifests.Join(
        Manifests.GatewayClass, Manifests.Gateway("gw", listenerPort), Manifests.Backend("echo", backendPort), Manifests.Route("echo", "gw", path, "echo"));

    private static async Task<JsonObject?> RouteStatusAsync(EmulatedCluster cluster)
    {
        using var http = new HttpClient();
        var route = JsonNode.Parse(await http.GetStringAsync(new Uri(cluster.Emulator.BaseAddress, "apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/echo")))!;
        return route["status"] as JsonObject;
    }

    [Fact]
    public async Task KubectlApply_ServesTraffic_WritesStatus_AndSurvivesAnApiOutage()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        // --gateway-addresses keeps the pool mode in a cluster: the Gateway binds its own port on 127.0.0.1.
        await using var gateway = new GatewayUnderTest(gatewayAddresses: "127.0.0.1", kubeconfig: cluster.KubeconfigPath);
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        var kubectl = new Kubectl(cluster.KubeconfigPath);
        var manifest = Path.Combine(Path.GetTempPath(), $"gateway-e2e-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(manifest, Objects(port, backend.Port, "/v1"));
        await kubectl.RunAsync("apply", "-f", manifest);

        await gateway.StartAsync();
        await Eventually.TrueAsync(async () => (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/v1/hello"))).IsSuccessStatusCode,
            "traffic flows through the route applied with kubectl");
        await Eventually.TrueAsync(async () => (await RouteStatusAsync(cluster))?["parents"]?[0]?["conditions"]?.AsArray()
            .Any(c => c!["type"]!.GetValue<string>() == "Accepted" && c["status"]!.GetValue<string>() == "True") == true,
            "the route's status is written back");

        // The API server is gone for 30 s: traffic keeps flowing on the last config, and a change made meanwhile
        // (written straight into the emulator's store, as another client's write would have landed) applies on return.
        cluster.Emulator.BeginOutage();
        var outageEnds = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var changed = false;
        while (DateTime.UtcNow < outageEnds)
        {
            (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/v1/during-outage"))).StatusCode.Should().Be(HttpStatusCode.OK);
            if (!changed && DateTime.UtcNow > outageEnds - TimeSpan.FromSeconds(20))
            {
                cluster.Emulator.LoadYaml(Objects(port, backend.Port, "/v2"));
                changed = true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1)); // Pacing the probe requests over the outage, not waiting for a condition.
        }

        cluster.Emulator.EndOutage();
        await Eventually.TrueAsync(async () => (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/v2/hello"))).IsSuccessStatusCode,
            "the change made during the outage is applied once the API server is back", TimeSpan.FromSeconds(30));
        File.Delete(manifest);
    }

    [Fact]
    public async Task ThreeReplicas_AllServe_OneWritesStatus_AndAnotherTakesOverWhenItGoes()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var kubectl = new Kubectl(cluster.KubeconfigPath);
        // Three processes on one machine cannot share an address and port, so each replica binds the Gateway on its own
        // loopback address (--gateway-addresses), as each DaemonSet pod does on its own node.
        var replicas = Enumerable.Range(0, 3).Select(i => new GatewayUnderTest($"127.0.{90 + i}.1", cluster.KubeconfigPath, leaderElect: true)).ToList();
        var backend = await replicas[0].StartBackendAsync("echo");
        var port = TestPorts.Free();
        var manifest = Path.Combine(Path.GetTempPath(), $"gateway-e2e-{Guid.NewGuid():N}.yaml");
        try
        {
            await File.WriteAllTextAsync(manifest, Objects(port, backend.Port, "/v1"));
            await kubectl.RunAsync("apply", "-f", manifest);
            foreach (var replica in replicas)
            {
                await replica.StartAsync();
            }

            LeaderElectionService Election(GatewayUnderTest r) => r.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<LeaderElectionService>().Single();
            await Eventually.TrueAsync(() => Task.FromResult(replicas.Count(r => Election(r).IsLeader) == 1), "exactly one replica leads");
            await Eventually.TrueAsync(async () => (await RouteStatusAsync(cluster)) is not null, "the leader writes status");
            var leader = replicas.Single(r => Election(r).IsLeader);
            replicas.Count(r => Election(r).IsLeader).Should().Be(1);
            foreach (var (replica, i) in replicas.Select((r, i) => (r, i)))
            {
                (await replica.Client.GetAsync(new Uri($"http://127.0.{90 + i}.1:{port}/v1/x"))).StatusCode.Should().Be(HttpStatusCode.OK, "every replica serves traffic");
            }

            await leader.StopAsync();
            var survivors = replicas.Where(r => r != leader).ToList();
            await Eventually.TrueAsync(() => Task.FromResult(survivors.Count(r => Election(r).IsLeader) == 1), "a surviving replica takes the lease", TimeSpan.FromSeconds(10));

            // The new leader writes what changes next.
            await File.WriteAllTextAsync(manifest, Objects(port, backend.Port, "/v1")
                + "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: second\n  namespace: default\nspec:\n  parentRefs:\n  - name: gw\n");
            await kubectl.RunAsync("apply", "-f", manifest);
            using var http = new HttpClient();
            await Eventually.TrueAsync(async () => JsonNode.Parse(await http.GetStringAsync(new Uri(cluster.Emulator.BaseAddress,
                "apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/second")))!["status"] is not null,
                "the new leader writes the status of a route created after the handover");
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            File.Delete(manifest);
        }
    }
}
