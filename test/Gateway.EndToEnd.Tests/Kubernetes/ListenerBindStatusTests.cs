// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Gateway.EndToEnd.Tests.Kubernetes;

/// <summary>In a cluster, a listener whose port is taken is written to the API server as not programmed, and back once it binds.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ListenerBindStatusTests
{
    [Fact]
    public async Task TakenPort_GatewayStatusWrittenNotProgrammed_ThenProgrammedOnceFreed()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        // --gateway-addresses keeps the pool mode in a cluster: the Gateway binds its own port on 127.0.0.1.
        await using var gateway = new GatewayUnderTest(gatewayAddresses: "127.0.0.1", kubeconfig: cluster.KubeconfigPath);
        var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        try
        {
            cluster.Emulator.LoadYaml(Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("gw", taken)));
            await gateway.StartAsync(waitUntilReady: false);

            await Eventually.TrueAsync(
                async () => Programmed(await GatewayStatusAsync(cluster)) is { } c && c["status"]!.GetValue<string>() == "False"
                    && c["message"]!.GetValue<string>().Contains($"127.0.0.1:{taken}", StringComparison.Ordinal),
                "the leader writes the Gateway as not programmed, naming the taken socket");
            var listener = (await GatewayStatusAsync(cluster))!["listeners"]![0]!["conditions"]!.AsArray()
                .Single(c => c!["type"]!.GetValue<string>() == "Programmed")!;
            listener["status"]!.GetValue<string>().Should().Be("False");
            listener["reason"]!.GetValue<string>().Should().Be("Pending");
            listener["message"]!.GetValue<string>().Should().Contain($"127.0.0.1:{taken}").And.Contain("AddressAlreadyInUse");
        }
        finally
        {
            squatter.Stop();
        }

        await Eventually.TrueAsync(
            async () => Programmed(await GatewayStatusAsync(cluster))?["status"]?.GetValue<string>() == "True",
            "the Gateway's written status turns programmed once the port is free", TimeSpan.FromSeconds(10));
    }

    private static async Task<JsonNode?> GatewayStatusAsync(EmulatedCluster cluster)
    {
        using var http = new HttpClient();
        var gateway = JsonNode.Parse(await http.GetStringAsync(new Uri(cluster.Emulator.BaseAddress, "apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/gw")))!;
        return gateway["status"];
    }

    private static JsonNode? Programmed(JsonNode? status) =>
        (status?["conditions"] as JsonArray)?.FirstOrDefault(c => c!["type"]!.GetValue<string>() == "Programmed");
}
