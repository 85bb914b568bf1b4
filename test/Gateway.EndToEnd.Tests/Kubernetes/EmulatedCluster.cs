// SPDX-License-Identifier: Apache-2.0
using k8s;

namespace Gateway.EndToEnd.Tests.Kubernetes;

/// <summary>An emulated API server serving the Gateway API kinds, and a client for it.</summary>
internal sealed class EmulatedCluster : IAsyncDisposable
{
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"gateway-kubeconfig-{Guid.NewGuid():N}");

    private EmulatedCluster(KubernetesEmulator.KubernetesEmulator emulator) => Emulator = emulator;

    public KubernetesEmulator.KubernetesEmulator Emulator { get; }

    public string KubeconfigPath => _kubeconfig;

    /// <summary>
    /// Starts a cluster serving the Gateway API kinds the gateway reads (Gateway.Sources.KnownKinds); with <paramref name="schemaDefaults"/>,
    /// also the upstream CRDs, whose schemas fill in defaults as a real API server does.
    /// </summary>
    public static async Task<EmulatedCluster> StartAsync(bool schemaDefaults = false)
    {
        var emulator = new KubernetesEmulator.KubernetesEmulator();
        await emulator.StartAsync();
        emulator.ServeGatewayApiKinds();
        if (schemaDefaults)
        {
            emulator.LoadYamlFile(UpstreamMaterial.StandardInstall);
        }

        var cluster = new EmulatedCluster(emulator);
        emulator.WriteKubeconfig(cluster._kubeconfig);
        return cluster;
    }

    public IKubernetes NewClient() => new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_kubeconfig));

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        File.Delete(_kubeconfig);
    }
}
