// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator.Tests;

/// <summary>The kinds the gateway reads, served from its own registry: no CRD bundle, so no schema defaults.</summary>
public sealed class GatewayKindsTests : IAsyncLifetime
{
    private EmulatorClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = await EmulatorClient.StartAsync();
        _client.Emulator.ServeGatewayApiKinds();
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task ServeGatewayApiKinds_DiscoveryListsThemWithScopeAndStatus()
    {
        var v1 = await _client.OkAsync(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1");
        var v1beta1 = await _client.OkAsync(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1beta1");
        var groups = await _client.OkAsync(HttpMethod.Get, "/apis");

        Names(v1).Should().BeEquivalentTo(["gatewayclasses", "gatewayclasses/status", "gateways", "gateways/status", "httproutes",
            "httproutes/status", "grpcroutes", "grpcroutes/status", "referencegrants", "backendtlspolicies", "backendtlspolicies/status",
            "listenersets", "listenersets/status", "tlsroutes", "tlsroutes/status", "tcproutes", "tcproutes/status"]);
        Names(v1beta1).Should().Contain(["gateways", "httproutes", "referencegrants"]).And.NotContain("grpcroutes");
        groups["groups"]!.AsArray().Select(g => g!["name"]!.ToString()).Should().NotContain("gateway.seed.dev", "ProxyConfig's CRD is ours to load");
        v1["resources"]!.AsArray().Single(r => r!["name"]!.ToString() == "gatewayclasses")!["namespaced"]!.GetValue<bool>().Should().BeFalse();
        v1["resources"]!.AsArray().Single(r => r!["name"]!.ToString() == "httproutes")!["namespaced"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task HttpRoute_IsStoredAsSent_AndItsStatusCanBeWritten()
    {
        await _client.OkAsync(HttpMethod.Post, "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes", JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r"},
             "spec":{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"svc","port":80}]}]}}
            """));

        var status = await _client.OkAsync(HttpMethod.Put, "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/r/status", JsonNode.Parse("""
            {"metadata":{"name":"r"},"status":{"parents":[{"controllerName":"example.com/emu","parentRef":{"name":"gw"},"conditions":[]}]}}
            """));
        var route = await _client.OkAsync(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1beta1/namespaces/default/httproutes/r");

        status["status"]!["parents"]![0]!["controllerName"]!.ToString().Should().Be("example.com/emu");
        route["spec"]!["parentRefs"]![0]!.AsObject().Should().NotContainKey("kind", "without the CRD there are no schema defaults");
        route["spec"]!["rules"]![0]!.AsObject().Should().NotContainKey("matches");
        route["status"]!["parents"]!.AsArray().Should().ContainSingle("v1 and v1beta1 are one stored object");
    }

    private static IEnumerable<string> Names(JsonNode resources) => resources["resources"]!.AsArray().Select(r => r!["name"]!.ToString());
}
