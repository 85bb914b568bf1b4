// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator.Tests;

[NeedsUpstreamMaterial]
public sealed class KubectlTests : IAsyncLifetime
{
    private readonly KubernetesEmulator _emulator = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("emu-kubectl-").FullName;
    private Kubectl? _kubectl;

    public async Task InitializeAsync()
    {
        await _emulator.StartAsync();
        _emulator.WriteKubeconfig(Path.Combine(_dir, "kubeconfig"));
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Apply_NamespaceServiceAndHttpRoute_GetShowsThemAndDeleteRemoves()
    {
        await RunAsync("apply", "-f", UpstreamMaterial.StandardInstall);
        var manifest = Path.Combine(_dir, "app.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: demo
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: demo
            spec:
              ports:
              - name: http
                port: 80
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: route
              namespace: demo
            spec:
              parentRefs:
              - name: gw
              rules:
              - backendRefs:
                - name: web
                  port: 80
            """);

        var applied = await RunAsync("apply", "-f", manifest);
        applied.Should().Contain("httproute.gateway.networking.k8s.io/route created");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("port: 80", "port: 8080", StringComparison.Ordinal));
        (await RunAsync("apply", "-f", manifest)).Should().Contain("service/web configured");

        var routes = JsonNode.Parse(await RunAsync("get", "httproutes", "-A", "-o", "json"))!;
        var route = routes["items"]!.AsArray().Should().ContainSingle().Subject!;
        route["metadata"]!["namespace"]!.ToString().Should().Be("demo");
        route["spec"]!["rules"]![0]!["backendRefs"]![0]!["port"]!.GetValue<int>().Should().Be(8080);
        var service = JsonNode.Parse(await RunAsync("get", "service", "web", "-n", "demo", "-o", "json"))!;
        service["spec"]!["ports"]!.AsArray().Should().ContainSingle().Which!["port"]!.GetValue<int>().Should().Be(8080);

        (await RunAsync("delete", "httproute", "route", "-n", "demo")).Should().Contain("deleted");
        JsonNode.Parse(await RunAsync("get", "httproutes", "-A", "-o", "json"))!["items"]!.AsArray().Should().BeEmpty();
    }

    private Task<string> RunAsync(params string[] args) => (_kubectl ??= new Kubectl(Path.Combine(_dir, "kubeconfig"))).RunAsync(args);
}
