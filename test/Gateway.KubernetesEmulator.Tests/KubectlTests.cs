// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator.Tests;

public sealed class KubectlTests : IAsyncLifetime
{
    private const string Kubectl = "/usr/bin/kubectl";
    private readonly KubernetesEmulator _emulator = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("emu-kubectl-").FullName;

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
        File.Exists(Kubectl).Should().BeTrue($"these tests drive the machine's kubectl at {Kubectl}");
        await RunAsync("apply", "-f", GatewayApiTests.StandardInstall);
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

    private async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--kubeconfig", Path.Combine(_dir, "kubeconfig"), "--cache-dir", Path.Combine(_dir, "cache"), "--request-timeout", "10s" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} timed out; stderr: {await stderr}");
        }

        process.ExitCode.Should().Be(0, $"kubectl {string.Join(' ', args)} should succeed; stderr: {await stderr}");
        return await stdout;
    }
}
