// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator.Tests;

[NeedsUpstreamMaterial]
public sealed class GatewayApiTests : IAsyncLifetime
{
    private EmulatorClient _client = null!;

    public async Task InitializeAsync() => _client = await EmulatorClient.StartAsync();

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task LoadYamlFile_StandardInstall_RegistersGatewayApiKinds()
    {
        _client.Emulator.LoadYamlFile(UpstreamMaterial.StandardInstall);

        var groups = await _client.OkAsync(HttpMethod.Get, "/apis");
        var group = groups["groups"]!.AsArray().Single(g => g!["name"]!.ToString() == "gateway.networking.k8s.io")!;
        group["preferredVersion"]!["version"]!.ToString().Should().Be("v1");
        var resources = await _client.OkAsync(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1");
        resources["resources"]!.AsArray().Select(r => r!["name"]!.ToString())
            .Should().Contain(["gateways", "gateways/status", "httproutes", "httproutes/status", "gatewayclasses"]);
        resources["resources"]!.AsArray().Single(r => r!["name"]!.ToString() == "gatewayclasses")!["namespaced"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Create_GatewayAndHttpRoute_CanBeListedWithSchemaDefaults()
    {
        _client.Emulator.LoadYamlFile(UpstreamMaterial.StandardInstall);

        await _client.OkAsync(HttpMethod.Post, "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways", JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gw"},
             "spec":{"gatewayClassName":"emu","listeners":[{"name":"http","port":80,"protocol":"HTTP"}]}}
            """));
        await _client.OkAsync(HttpMethod.Post, "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes", JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r"},
             "spec":{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"svc","port":80}]}]}}
            """));

        var gateways = await _client.OkAsync(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1/gateways");
        var routes = await _client.OkAsync(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes");

        gateways["kind"]!.ToString().Should().Be("GatewayList");
        gateways["items"]!.AsArray().Should().ContainSingle().Which!["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);
        routes["kind"]!.ToString().Should().Be("HTTPRouteList");
        var route = routes["items"]!.AsArray().Should().ContainSingle().Subject!;
        route["spec"]!["parentRefs"]![0]!["kind"]!.ToString().Should().Be("Gateway", "the CRD schema defaults are applied");
        route["spec"]!["rules"]![0]!["matches"]![0]!["path"]!["type"]!.ToString().Should().Be("PathPrefix");
    }

    [Fact]
    public async Task Post_CustomResourceDefinition_RegistersAndDeleteUnregisters()
    {
        var crd = Yaml.ReadDocuments(File.ReadAllText(UpstreamMaterial.StandardInstall)).First(d => d["metadata"]!["name"]!.ToString() == "gatewayclasses.gateway.networking.k8s.io");
        await _client.OkAsync(HttpMethod.Post, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        await _client.OkAsync(HttpMethod.Post, "/apis/gateway.networking.k8s.io/v1/gatewayclasses", JsonNode.Parse("""
            {"metadata":{"name":"emu"},"spec":{"controllerName":"example.com/emu"},"status":{"conditions":[]}}
            """));
        var status = await _client.OkAsync(HttpMethod.Put, "/apis/gateway.networking.k8s.io/v1/gatewayclasses/emu/status", JsonNode.Parse("""
            {"metadata":{"name":"emu"},"status":{"conditions":[{"type":"Accepted","status":"True"}]}}
            """));
        status["status"]!["conditions"]![0]!["type"]!.ToString().Should().Be("Accepted");

        await _client.OkAsync(HttpMethod.Delete, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gatewayclasses.gateway.networking.k8s.io");

        (await _client.SendAsync(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1/gatewayclasses")).Code.Should().Be(HttpStatusCode.NotFound);
    }
}
