// SPDX-License-Identifier: Apache-2.0
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Gateway.KubernetesEmulator.Tests;

public sealed class KubernetesClientTests : IAsyncLifetime
{
    private readonly KubernetesEmulator _emulator = new();
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"emu-{Guid.NewGuid():N}.kubeconfig");
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        await _emulator.StartAsync();
        _emulator.WriteKubeconfig(_kubeconfig);
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_kubeconfig));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    [Fact]
    public async Task List_NamespacesAndServices_ReturnsTypedLists()
    {
        await _client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] },
        }, "default");

        var namespaces = await _client.CoreV1.ListNamespaceAsync();
        var services = await _client.CoreV1.ListNamespacedServiceAsync("default");

        namespaces.Items.Select(n => n.Metadata.Name).Should().Contain("default");
        services.Items.Should().ContainSingle().Which.Spec.ClusterIP.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task ReplaceLease_StaleResourceVersion_Throws409()
    {
        var lease = await _client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "leader" },
            Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15 },
        }, "default");
        var stale = lease.Metadata.ResourceVersion;
        lease.Spec.HolderIdentity = "b";
        await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "leader", "default");

        lease.Spec.HolderIdentity = "c";
        lease.Metadata.ResourceVersion = stale;
        var replace = () => _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "leader", "default");

        (await replace.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(System.Net.HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Watch_ListNamespacedService_SeesAddedEvent()
    {
        var seen = new TaskCompletionSource<(WatchEventType Type, V1Service Service)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var response = _client.CoreV1.ListNamespacedServiceWithHttpMessagesAsync("default", watch: true, timeoutSeconds: 20);
#pragma warning disable CS0618 // The generic Watch extension is the style the daemon uses.
        using var watcher = response.Watch<V1Service, V1ServiceList>((type, service) => seen.TrySetResult((type, service)), e => seen.TrySetException(e));
#pragma warning restore CS0618
        await WatchTests.WaitUntilAsync(() => _emulator.OpenWatchCount == 1);

        await _client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "watched" }, Spec = new V1ServiceSpec() }, "default");

        var (type, service) = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        type.Should().Be(WatchEventType.Added);
        service.Metadata.Name.Should().Be("watched");
    }
}
