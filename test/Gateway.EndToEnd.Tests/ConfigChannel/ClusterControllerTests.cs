// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Gateway.EndToEnd.Tests.Kubernetes;
using static Gateway.EndToEnd.Tests.ConfigChannel.SplitGateways;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>A controller against an emulated API server writes its proxies' state into the ProxyConfig's status.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class ClusterControllerTests
{
    [Fact]
    public async Task ControllerWithAProxy_WritesProxyConfigConnectedAndLastSyncTime()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        cluster.Emulator.LoadYamlFile(RepoPaths.Of("deploy/kubernetes/proxyconfig-crd.yaml"));
        cluster.Emulator.LoadYaml(ClassWithProxyConfig);
        var channelPort = TestPorts.Free();
        await using var controller = NewController(channelPort, cluster.KubeconfigPath);
        await using var proxy = NewProxy(channelPort);
        await controller.StartAsync();
        await Eventually.TrueAsync(async () => await ConnectedAsync(cluster) is { } c && c["reason"]!.GetValue<string>() == "NoProxiesConnected",
            "the controller writes that no proxy is connected");

        await proxy.StartAsync();

        await Eventually.TrueAsync(async () => await ConnectedAsync(cluster) is { } c && c["status"]!.GetValue<string>() == "True",
            "the controller writes Connected=True once its proxy acknowledged the config");
        var status = await ProxyConfigAsync(cluster);
        status["conditions"]![0]!["reason"]!.GetValue<string>().Should().Be("InSync");
        status["lastSyncTime"].Should().NotBeNull();
    }

    private static async Task<JsonNode> ProxyConfigAsync(EmulatedCluster cluster)
    {
        using var http = new HttpClient();
        var proxyConfig = JsonNode.Parse(await http.GetStringAsync(new Uri(cluster.Emulator.BaseAddress, "apis/gateway.seed.dev/v1alpha1/namespaces/default/proxyconfigs/split")))!;
        return proxyConfig["status"] ?? new JsonObject();
    }

    private static async Task<JsonNode?> ConnectedAsync(EmulatedCluster cluster) => (await ProxyConfigAsync(cluster))["conditions"]?[0];
}
