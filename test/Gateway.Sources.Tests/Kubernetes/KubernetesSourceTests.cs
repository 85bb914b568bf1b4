// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.KubernetesEmulator;
using Gateway.Model;
using Gateway.Sources.Kubernetes;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Sources.Tests.Kubernetes;

public sealed class KubernetesSourceTests : IAsyncLifetime
{
    private static readonly TimeSpan _wait = TimeSpan.FromSeconds(10);

    private readonly KubernetesEmulator.KubernetesEmulator _emulator = new(new KubernetesEmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(200) });
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"source-{Guid.NewGuid():N}.kubeconfig");
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<ResourceSnapshot> _snapshots = [];
    private KubernetesSource? _source;
    private Task? _running;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await _emulator.StartAsync();
        _emulator.ServeGatewayApiKinds();
        _emulator.WriteKubeconfig(_kubeconfig);
        _http = new HttpClient { BaseAddress = _emulator.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }

        _source?.Dispose();
        _http.Dispose();
        await _emulator.DisposeAsync();
        File.Delete(_kubeconfig);
        _stop.Dispose();
    }

    [Fact]
    public async Task RunAsync_ObjectsBeforeStart_FirstSnapshotHasThemAndNoPlainSecret()
    {
        CreateWorld();

        StartSource();
        var first = await WaitForSnapshotAsync(_ => true);

        first.GatewayClasses.Should().ContainSingle(c => c.Metadata.Name == "seed");
        first.Gateways.Should().ContainSingle(g => g.Metadata.Name == "gw" && g.Metadata.Namespace == "default")
            .Which.Metadata.Generation.Should().Be(1);
        first.HTTPRoutes.Should().ContainSingle(r => r.Metadata.Name == "web" && r.Metadata.Namespace == "default");
        first.Services.Should().ContainSingle(s => s.Metadata.Name == "web");
        first.EndpointSlices.Should().ContainSingle(s => s.Metadata.Name == "web-1");
        first.Secrets.Should().ContainSingle().Which.Metadata.Name.Should().Be("tls");
        first.Namespaces.Select(n => n.Metadata.Name).Should().Contain("default");
        first.ReferenceGrants.Should().ContainSingle(g => g.Metadata.Name == "allow");
        first.GRPCRoutes.Should().ContainSingle(r => r.Metadata.Name == "rpc");
        first.ConfigMaps.Should().ContainSingle(c => c.Metadata.Name == "ca");
        first.Gateways[0].Kind.Should().Be("Gateway");
        first.Gateways[0].ApiVersion.Should().Be("gateway.networking.k8s.io/v1");
        _source!.Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_OneKindFailsToList_NoSnapshotUntilAllSyncedThenRetries()
    {
        CreateWorld();
        _emulator.FailRequests(4, 500, r => r.Path.Value!.EndsWith("/httproutes", StringComparison.Ordinal) && !r.Query.ContainsKey("watch"));

        StartSource();
        await WaitUntilAsync(() => _source!.Problems.Any(p => p.Contains("HTTPRoute", StringComparison.Ordinal)));
        Snapshots().Should().BeEmpty("the HTTPRoute informer has not synced yet");

        var first = await WaitForSnapshotAsync(_ => true);
        first.HTTPRoutes.Should().ContainSingle(r => r.Metadata.Name == "web");
        first.Gateways.Should().ContainSingle();
        _emulator.RequestLog.Count(l => l.StartsWith("GET /apis/gateway.networking.k8s.io/v1/httproutes", StringComparison.Ordinal) && !l.Contains("watch=true", StringComparison.Ordinal))
            .Should().BeGreaterThanOrEqualTo(5);
        await WaitUntilAsync(() => _source!.Problems.Count == 0);
    }

    [Fact]
    public async Task RunAsync_CreateUpdateDelete_PublishedAndUnchangedObjectsKeepInstance()
    {
        CreateWorld();
        StartSource();
        var first = await WaitForSnapshotAsync(_ => true);

        Apply(Service("api"));
        var second = await WaitForSnapshotAsync(s => s.Services.Any(x => x.Metadata.Name == "api"));
        second.Gateways[0].Should().BeSameAs(first.Gateways[0]);
        second.HTTPRoutes[0].Should().BeSameAs(first.HTTPRoutes[0]);

        Apply(Gateway("gw", port: 8080));
        var third = await WaitForSnapshotAsync(s => s.Gateways.Single().Spec.Listeners[0].Port == 8080);
        third.Gateways[0].Metadata.Generation.Should().Be(2);
        third.HTTPRoutes[0].Should().BeSameAs(first.HTTPRoutes[0]);
        third.Services.Single(s => s.Metadata.Name == "api").Should().BeSameAs(second.Services.Single(s => s.Metadata.Name == "api"));

        await DeleteAsync("api/v1/namespaces/default/services/web");
        var fourth = await WaitForSnapshotAsync(s => s.Services.All(x => x.Metadata.Name != "web"));
        fourth.Services.Should().ContainSingle(s => s.Metadata.Name == "api");
        fourth.Gateways[0].Should().BeSameAs(third.Gateways[0]);
    }

    [Fact]
    public async Task RunAsync_ObjectItCannotRead_IsSkippedAndReportedWhileTheRestIsServed()
    {
        CreateWorld();
        Apply(BadService("listed-bad"));

        StartSource();
        var first = await WaitForSnapshotAsync(s => s.Gateways.Length == 1);
        first.Services.Should().NotContain(s => s.Metadata.Name == "listed-bad");
        _source!.Problems.Should().ContainSingle().Which.Should().StartWith("Kubernetes Service default/listed-bad:");

        // A bad object arriving on the watch does not end it: later changes still arrive.
        Apply(BadService("watched-bad"));
        Apply(Service("api"));
        await WaitForSnapshotAsync(s => s.Services.Any(x => x.Metadata.Name == "api"));
        _source.Problems.Should().HaveCount(2);

        Apply(Service("listed-bad"));
        await WaitForSnapshotAsync(s => s.Services.Any(x => x.Metadata.Name == "listed-bad"));
        _source.Problems.Should().ContainSingle().Which.Should().StartWith("Kubernetes Service default/watched-bad:");
    }

    private static JsonObject BadService(string name) => JsonNode.Parse($$$"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"default"},"spec":{"ports":"eighty"}}
        """)!.AsObject();

    [Fact]
    public async Task RunAsync_BurstOfChanges_PublishesFewSnapshots()
    {
        StartSource();
        await WaitForSnapshotAsync(_ => true);
        var before = Snapshots().Count;

        for (var i = 0; i < 20; i++)
        {
            Apply(Service($"svc-{i}"));
        }

        await WaitForSnapshotAsync(s => s.Services.Length == 20);
        (Snapshots().Count - before).Should().BeLessThan(10);
    }

    [Fact]
    public async Task RunAsync_WatchesDropped_ReconnectsAndLaterChangesArrive()
    {
        CreateWorld();
        StartSource();
        await WaitForSnapshotAsync(_ => true);
        await WaitUntilAsync(() => _emulator.OpenWatchCount >= 10);

        _emulator.DropWatches(abortConnections: true);
        Apply(Service("after-drop"));

        await WaitForSnapshotAsync(s => s.Services.Any(x => x.Metadata.Name == "after-drop"));
        _emulator.DropWatches();
        Apply(Gateway("gw2", port: 81));
        await WaitForSnapshotAsync(s => s.Gateways.Any(x => x.Metadata.Name == "gw2"));
    }

    [Fact]
    public async Task RunAsync_HistoryCompactedAndWatchDropped_RelistsAndChangesArrive()
    {
        CreateWorld();
        StartSource();
        var first = await WaitForSnapshotAsync(_ => true);
        await WaitUntilAsync(() => _emulator.OpenWatchCount >= 10);
        var lists = ListRequests("services");

        // Bookmarks would move the informers past the compaction; keep them away so the next watch is too old.
        _emulator.Options.BookmarkInterval = TimeSpan.FromMinutes(10);
        // The outage holds the informers off while the change (made in-process) and the compaction happen.
        _emulator.BeginOutage();
        Apply(Service("meanwhile"));
        _emulator.CompactHistory();
        _emulator.EndOutage();

        var next = await WaitForSnapshotAsync(s => s.Services.Any(x => x.Metadata.Name == "meanwhile"));
        next.Gateways[0].Should().BeSameAs(first.Gateways[0], "a relist keeps objects whose resourceVersion did not change");
        ListRequests("services").Should().BeGreaterThan(lists, "the watch got 410 Expired and the informer relisted");
        Apply(Service("later"));
        await WaitForSnapshotAsync(s => s.Services.Any(x => x.Metadata.Name == "later"));
    }

    [Fact]
    public async Task RunAsync_NamespaceScope_ReadsOnlyThatNamespace()
    {
        CreateWorld();
        Apply(JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}}""")!.AsObject());
        var teamService = Service("team-web");
        teamService["metadata"]!["namespace"] = "team";
        Apply(teamService);

        StartSource(Options(ns: "team"));
        var first = await WaitForSnapshotAsync(_ => true);

        first.Services.Should().ContainSingle().Which.Metadata.Namespace.Should().Be("team");
        first.Namespaces.Should().ContainSingle().Which.Metadata.Name.Should().Be("team");
        first.Gateways.Should().BeEmpty();
        first.GatewayClasses.Should().ContainSingle("GatewayClass is cluster-scoped");
    }

    [Fact]
    public async Task RunAsync_ProxyConfigCrdInstalledLater_PicksUpItsObjects()
    {
        StartSource();
        var first = await WaitForSnapshotAsync(_ => true);
        first.ProxyConfigs.Should().BeEmpty();
        _source!.Problems.Should().BeEmpty("an absent optional CRD is not a failure");
        await WaitUntilAsync(() => ListRequests("proxyconfigs") >= 3);
        Snapshots().Should().ContainSingle("looking again for an absent kind changes nothing");

        _emulator.LoadYaml("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: proxyconfigs.gateway.seed.dev
            spec:
              group: gateway.seed.dev
              scope: Namespaced
              names: {plural: proxyconfigs, singular: proxyconfig, kind: ProxyConfig, listKind: ProxyConfigList}
              versions:
              - name: v1alpha1
                served: true
                storage: true
                schema:
                  openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """);
        Apply(JsonNode.Parse("""
            {"apiVersion":"gateway.seed.dev/v1alpha1","kind":"ProxyConfig","metadata":{"name":"pc","namespace":"default"},"spec":{"accessLog":true}}
            """)!.AsObject());

        var next = await WaitForSnapshotAsync(s => s.ProxyConfigs.Length == 1);
        next.ProxyConfigs[0].Spec.AccessLog.Should().BeTrue();
    }

    [Theory]
    [InlineData(OutageMode.ServiceUnavailable)]
    [InlineData(OutageMode.DropConnections)]
    public async Task RunAsync_Outage_KeepsLastSnapshotAndRecovers(OutageMode mode)
    {
        CreateWorld();
        StartSource();
        await WaitForSnapshotAsync(_ => true);
        var before = Snapshots().Count;

        _emulator.BeginOutage(mode);
        await WaitUntilAsync(() => _source!.Problems.Count > 0);
        Snapshots().Count.Should().Be(before, "nothing changed, so nothing is published, and certainly no empty snapshot");
        _emulator.EndOutage();
        Apply(Service("after-outage"));

        var after = await WaitForSnapshotAsync(s => s.Services.Any(x => x.Metadata.Name == "after-outage"));
        after.Gateways.Should().ContainSingle();
        after.HTTPRoutes.Should().ContainSingle();
        Snapshots().Should().OnlyContain(s => s.Gateways.Length == 1);
        await WaitUntilAsync(() => _source!.Problems.Count == 0);
    }

    private void StartSource(KubernetesSourceOptions? options = null)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_kubeconfig);
        _source = new KubernetesSource(config, NullLogger<KubernetesSource>.Instance, options ?? Options());
        _running = _source.RunAsync((snapshot, _) =>
        {
            lock (_lock)
            {
                _snapshots.Add(snapshot);
            }

            return Task.CompletedTask;
        }, _stop.Token);
    }

    private static KubernetesSourceOptions Options(string? ns = null) => new()
    {
        Namespace = ns,
        Debounce = TimeSpan.FromMilliseconds(20),
        WatchTimeout = TimeSpan.FromSeconds(5),
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        MissingKindRetry = TimeSpan.FromMilliseconds(500),
    };

    private List<ResourceSnapshot> Snapshots()
    {
        lock (_lock)
        {
            return [.. _snapshots];
        }
    }

    private int ListRequests(string plural) =>
        _emulator.RequestLog.Count(l => l.Contains($"/{plural}", StringComparison.Ordinal) && !l.Contains("watch=true", StringComparison.Ordinal));

    private async Task<ResourceSnapshot> WaitForSnapshotAsync(Func<ResourceSnapshot, bool> predicate)
    {
        ResourceSnapshot? found = null;
        await WaitUntilAsync(() => (found = Snapshots().LastOrDefault()) is not null && predicate(found));
        return found!;
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > _wait)
            {
                throw new TimeoutException($"condition not met within {_wait}; problems: {string.Join("; ", _source?.Problems ?? [])}");
            }

            if (_running is { IsFaulted: true })
            {
                await _running;
            }

            await Task.Delay(10);
        }
    }

    private void CreateWorld()
    {
        Apply(JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"seed"},
             "spec":{"controllerName":"gateway.seed.dev/gateway"}}
            """)!.AsObject());
        Apply(Gateway("gw", port: 80));
        Apply(JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"web","namespace":"default"},
             "spec":{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"web","port":80}]}]}}
            """)!.AsObject());
        Apply(Service("web"));
        Apply(JsonNode.Parse("""
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-1","namespace":"default",
             "labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4",
             "endpoints":[{"addresses":["127.0.0.1"],"conditions":{"ready":true}}],"ports":[{"name":"http","port":8080,"protocol":"TCP"}]}
            """)!.AsObject());
        Apply(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"tls","namespace":"default"},"type":"kubernetes.io/tls",
             "data":{"tls.crt":"Y2VydA==","tls.key":"a2V5"}}
            """)!.AsObject());
        Apply(JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"allow","namespace":"default"},
             "spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"other"}],"to":[{"group":"","kind":"Service"}]}}
            """)!.AsObject());
        Apply(JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"GRPCRoute","metadata":{"name":"rpc","namespace":"default"},
             "spec":{"parentRefs":[{"name":"gw"}],"rules":[{"backendRefs":[{"name":"web","port":80}]}]}}
            """)!.AsObject());
        Apply(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ca","namespace":"default"},"data":{"ca.crt":"pem"}}
            """)!.AsObject());
        Apply(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"password","namespace":"default"},"type":"Opaque",
             "data":{"password":"aHVudGVyMg=="}}
            """)!.AsObject());
    }

    private void Apply(JsonObject obj) => _emulator.Apply(obj);

    private async Task DeleteAsync(string path)
    {
        using var response = await _http.DeleteAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    private static JsonObject Service(string name) => JsonNode.Parse($$$"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"default"},
         "spec":{"ports":[{"name":"http","port":80,"targetPort":8080}]}}
        """)!.AsObject();

    private static JsonObject Gateway(string name, int port) => JsonNode.Parse($$$"""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"{{{name}}}","namespace":"default"},
         "spec":{"gatewayClassName":"seed","listeners":[{"name":"http","port":{{{port}}},"protocol":"HTTP"}]}}
        """)!.AsObject();
}
