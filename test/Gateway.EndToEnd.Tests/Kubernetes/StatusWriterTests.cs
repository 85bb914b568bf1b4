// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Gateway.Kubernetes;
using Gateway.Model;
using Gateway.Sources.Files;
using Gateway.Status;
using Gateway.Translation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.EndToEnd.Tests.Kubernetes;

/// <summary>The status writer against an emulated API server.</summary>
[Trait("Category", "EndToEnd")]
public sealed class StatusWriterTests
{
    private static readonly string Objects = Manifests.Join(Manifests.GatewayClass, """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
          namespace: default
        spec:
          gatewayClassName: gateway
          listeners:
          - name: http
            protocol: HTTP
            port: 80
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: r
          namespace: default
        spec:
          parentRefs:
          - name: gw
          - name: elsewhere
        """);

    private const string ForeignParent = """
        {"parentRef":{"group":"gateway.networking.k8s.io","kind":"Gateway","namespace":"default","name":"elsewhere"},
         "controllerName":"example.com/other","conditions":[{"type":"Accepted","status":"True","reason":"Accepted","message":"theirs","lastTransitionTime":"2026-01-01T00:00:00Z","observedGeneration":1}]}
        """;

    private static StatusStore Translate(string yaml)
    {
        var loaded = ManifestLoader.Load("objects.yaml", yaml);
        var resources = ResourceSnapshot.FromObjects([.. loaded.Objects.Select(o => o.Object with { Metadata = o.Object.Metadata with { Generation = 1 } })]);
        var store = new StatusStore(TimeProvider.System);
        store.Update(Translator.Translate(resources, new TranslatorOptions()).Statuses);
        return store;
    }

    private static StatusWriter NewWriter(EmulatedCluster cluster, StatusStore store)
    {
        var client = cluster.NewClient();
        return new StatusWriter(client, store, TranslatorOptions.DefaultControllerName,
            new EventRecorder(client, TranslatorOptions.DefaultControllerName, NullLogger<EventRecorder>.Instance), NullLogger<StatusWriter>.Instance);
    }

    private static async Task<JsonObject> GetAsync(EmulatedCluster cluster, string path)
    {
        using var http = new HttpClient();
        return JsonNode.Parse(await http.GetStringAsync(new Uri(cluster.Emulator.BaseAddress, path)))!.AsObject();
    }

    [Fact]
    public async Task Write_SetsStatus_KeepsOtherControllersParents_AndSkipsUnchangedObjects()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        cluster.Emulator.LoadYaml(Objects);
        var route = await GetAsync(cluster, "apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/r");
        route["status"] = JsonNode.Parse($$"""{"parents":[{{ForeignParent}}]}""");
        cluster.Emulator.Apply(route);
        var writer = NewWriter(cluster, Translate(Objects));

        var patched = await writer.WriteAsync(CancellationToken.None);
        var again = await writer.WriteAsync(CancellationToken.None);

        patched.Should().Be(3, "the GatewayClass, the Gateway and the HTTPRoute each get their status once");
        again.Should().Be(0, "nothing changed");
        var gateway = await GetAsync(cluster, "apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/gw");
        gateway["status"]!["conditions"]!.AsArray().Should().Contain(c => c!["type"]!.GetValue<string>() == "Programmed" && c["status"]!.GetValue<string>() == "True");
        var parents = (await GetAsync(cluster, "apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/r"))["status"]!["parents"]!.AsArray();
        parents.Select(p => p!["controllerName"]!.GetValue<string>()).Should().BeEquivalentTo([TranslatorOptions.DefaultControllerName, "example.com/other"]);
        var gatewayClass = await GetAsync(cluster, "apis/gateway.networking.k8s.io/v1/gatewayclasses/gateway");
        gatewayClass["status"]!["conditions"]![0]!["observedGeneration"]!.GetValue<long>().Should().Be(1);
        var events = (await GetAsync(cluster, "api/v1/namespaces/default/events"))["items"]!.AsArray();
        events.Should().Contain(e => e!["involvedObject"]!["kind"]!.GetValue<string>() == "Gateway"
            && e["reason"]!.GetValue<string>() == "Programmed" && e["type"]!.GetValue<string>() == "Normal");
        events.Should().Contain(e => e!["involvedObject"]!["kind"]!.GetValue<string>() == "HTTPRoute" && e["reason"]!.GetValue<string>() == "Accepted");
    }

    [Fact]
    public async Task Write_ProxyConfig_GetsConnectedAcceptedAndLastSyncTime()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        cluster.Emulator.LoadYamlFile(RepoPaths.Of("deploy/kubernetes/proxyconfig-crd.yaml"));
        var objects = Manifests.GatewayClassWithProxyConfig("{accessLog: true}");
        cluster.Emulator.LoadYaml(objects);
        var writer = NewWriter(cluster, Translate(objects));

        await writer.WriteAsync(CancellationToken.None);

        var status = (await GetAsync(cluster, "apis/gateway.seed.dev/v1alpha1/namespaces/default/proxyconfigs/defaults"))["status"]!;
        status["conditions"]!.AsArray().Select(c => $"{c!["type"]}={c["status"]}").Should().Equal("Connected=True", "Accepted=True");
        status["lastSyncTime"].Should().NotBeNull();
    }

    [Fact]
    public async Task Write_BackendTLSPolicy_GetsAnAncestorForOurGateway_AndKeepsOtherControllersAncestors()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        var objects = Manifests.Join(Objects.Replace("  - name: elsewhere", "  rules:\n  - backendRefs:\n    - name: secure\n      port: 443", StringComparison.Ordinal), """
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata:
              name: tls
              namespace: default
            spec:
              targetRefs:
              - {group: "", kind: Service, name: secure}
              validation:
                hostname: secure.example.com
                wellKnownCACertificates: System
            """);
        cluster.Emulator.LoadYaml(objects);
        var policy = await GetAsync(cluster, "apis/gateway.networking.k8s.io/v1/namespaces/default/backendtlspolicies/tls");
        policy["status"] = JsonNode.Parse($$"""{"ancestors":[{{ForeignParent.Replace("parentRef", "ancestorRef", StringComparison.Ordinal)}}]}""");
        cluster.Emulator.Apply(policy);

        await NewWriter(cluster, Translate(objects)).WriteAsync(CancellationToken.None);

        var ancestors = (await GetAsync(cluster, "apis/gateway.networking.k8s.io/v1/namespaces/default/backendtlspolicies/tls"))["status"]!["ancestors"]!.AsArray();
        ancestors.Select(a => $"{a!["controllerName"]} {a["ancestorRef"]!["name"]}").Should().BeEquivalentTo(
            [$"{TranslatorOptions.DefaultControllerName} gw", "example.com/other elsewhere"]);
        ancestors.Single(a => a!["ancestorRef"]!["name"]!.GetValue<string>() == "gw")!["conditions"]!.AsArray()
            .Select(c => $"{c!["type"]}={c["status"]}").Should().Equal("Accepted=True", "ResolvedRefs=True");
    }

    [Fact]
    public async Task NewWriter_WithTheSameStatus_WritesNothing_BecauseTransitionTimesAreKept()
    {
        await using var cluster = await EmulatedCluster.StartAsync();
        cluster.Emulator.LoadYaml(Objects);
        await NewWriter(cluster, Translate(Objects))
            .WriteAsync(CancellationToken.None);

        // A new leader (new process): its own clock stamps new times, which must not cause rewrites.
        var newLeader = NewWriter(cluster, Translate(Objects));

        (await newLeader.WriteAsync(CancellationToken.None)).Should().Be(0);
    }
}
