// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Deploy.Tests;

/// <summary>The plain manifests in deploy/kubernetes: they parse, and pass the checks every install path must.</summary>
public sealed class ManifestTests
{
    private static readonly Manifests _plain = Manifests.FromFolder("deploy/kubernetes");

    [Fact]
    public void EveryManifest_ParsesWithKindAndName()
    {
        // deploy/helm holds templates, not manifests: the chart is checked through its renders (HelmChartTests).
        var manifests = Directory.EnumerateDirectories(RepoPaths.Of("deploy")).Where(d => Path.GetFileName(d) != "helm")
            .SelectMany(d => Manifests.FromFolder(Path.GetRelativePath(RepoPaths.Root, d)).All).ToList();

        manifests.Should().NotBeEmpty();
        foreach (var manifest in manifests)
        {
            manifest.Kind.Should().NotBeNullOrEmpty($"{manifest.Source} documents need a kind");
            if (manifest.Kind is not ("Cluster" or "Kustomization"))
            {
                Yaml.Scalar(manifest.Node, "apiVersion").Should().NotBeNullOrEmpty($"{manifest}");
                manifest.Name.Should().NotBeNullOrEmpty($"{manifest}");
            }
        }
    }

    [Fact]
    public void Rbac_GrantsExactlyTheApiPermissionsTheCodeUses() => ManifestChecks.RbacGrantsExactlyTheApiPermissionsTheCodeUses(_plain);

    [Fact]
    public void Rbac_IsBoundToTheGatewayServiceAccount() => ManifestChecks.RbacIsBoundToTheWatchingPodsOnly(_plain);

    [Fact]
    public void DaemonSet_ProbesHealthAndReadiness_RunsNonRootWithReadOnlyRoot()
    {
        _plain.Workloads.Should().ContainSingle(w => w.Manifest.Kind == "DaemonSet");
        ManifestChecks.PodsProbeHealthAndReadiness_RunNonRootWithReadOnlyRoot(_plain);
    }

    [Fact]
    public void DaemonSet_Args_AreFlagsTheBinaryAccepts() => ManifestChecks.ArgsAreAcceptedByTheBinary(_plain);

    [Fact]
    public void DaemonSet_TerminationGracePeriod_CoversTheDrainAndTheShutdownTimeout() => ManifestChecks.TerminationGracePeriodCoversTheDrainAndTheShutdownTimeout(_plain);

    [Fact]
    public void DaemonSet_ServiceSelector_MatchesItsOwnPodLabels() => ManifestChecks.SelectorsMatchTheirOwnPods(_plain);

    [Fact]
    public void DaemonSet_Image_IsPinnedToTheChartsAppVersion() => ManifestChecks.ImagesArePinnedToTheAppVersion(_plain);

    [Fact]
    public void GatewayClass_UsesTheProxyConfigAndTheControllerNameTheGatewayServes() => ChartChecks.GatewayClassMatchesTheGateway(_plain);
}
