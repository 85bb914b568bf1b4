// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Deploy.Tests;

/// <summary>
/// The Helm chart, through the real helm binary: it lints, and each way of installing it renders objects that pass the
/// same checks as the plain manifests, which must equal its default render.
/// </summary>
public sealed class HelmChartTests
{
    private static readonly string[] _split = ["split.enabled=true"];

    /// <summary>Each way of installing the chart, as --set values.</summary>
    public static TheoryData<string[]> Installs => new()
    {
        Array.Empty<string>(),
        new[] { "kind=Deployment", "replicas=3", "podDisruptionBudget.enabled=true" },
        _split,
        new[] { "split.enabled=true", "kind=Deployment", "serviceMonitor.enabled=true", "podDisruptionBudget.enabled=true" },
        new[] { "serviceMonitor.enabled=true" },
        new[] { "shutdown.drainPeriodSeconds=20", "shutdown.timeoutSeconds=40", "shutdown.preStopSleepSeconds=3" },
        new[] { "controllerName=example.com/edge", "extraArgs={--access-log,--upstream-client=yarp}" },
    };

    [Theory]
    [MemberData(nameof(Installs))]
    public void Lint_Passes(string[] set) =>
        Helm.Run(["lint", "--strict", RepoPaths.Of(Helm.Chart), .. set.SelectMany(s => new[] { "--set", s })]).Should().Contain("0 chart(s) failed");

    [Theory]
    [MemberData(nameof(Installs))]
    public void Template_PassesTheChecksOfEveryInstallPath(string[] set)
    {
        var manifests = Helm.Template(set: set);

        ManifestChecks.All(manifests);
        ManifestChecks.ImagesArePinnedToTheAppVersion(manifests);
        ChartChecks.GatewayClassMatchesTheGateway(manifests);
        manifests.OfKind("CustomResourceDefinition").Should().ContainSingle(c => c.Name == "proxyconfigs.gateway.seed.dev", "the ProxyConfig CRD ships in crds/");
        manifests.OfKind("CustomResourceDefinition").Should().NotContain(c => c.Name.EndsWith(".gateway.networking.k8s.io", StringComparison.Ordinal),
            "the Gateway API CRDs stay an upstream install step");
    }

    [Fact]
    public void Template_ByDefault_IsOneDaemonSetOfAllRoles()
    {
        var workload = Helm.Template().Workloads.Should().ContainSingle().Subject;

        workload.Manifest.Kind.Should().Be("DaemonSet");
        workload.Role.Should().Be("all");
        Yaml.Child(workload.Manifest.Node["spec"], "updateStrategy").Should().NotBeNull();
    }

    [Fact]
    public void Template_DeploymentMode_HasReplicasAStrategyAndADisruptionBudget()
    {
        var manifests = Helm.Template(set: ["kind=Deployment", "replicas=3", "podDisruptionBudget.enabled=true"]);

        var workload = manifests.Workloads.Should().ContainSingle().Subject;
        workload.Manifest.Kind.Should().Be("Deployment");
        Yaml.Scalar(workload.Manifest.Node["spec"], "replicas").Should().Be("3");
        Yaml.Child(workload.Manifest.Node["spec"], "strategy").Should().NotBeNull("a Deployment's update strategy is spec.strategy");
        Yaml.Child(workload.Manifest.Node["spec"], "updateStrategy").Should().BeNull("a Deployment has no spec.updateStrategy");
        ChartChecks.DisruptionBudgetCoversTheServingPods(manifests);
    }

    [Fact]
    public void Template_SplitMode_ControllerDeploymentFeedsProxyDaemonSetOverMutualTls()
    {
        var manifests = Helm.Template(set: _split);

        manifests.Workloads.Select(w => (w.Manifest.Kind, w.Role)).Should().BeEquivalentTo([("Deployment", "controller"), ("DaemonSet", "proxy")]);
        ChartChecks.ProxiesReachTheControllersChannel(manifests);
    }

    [Fact]
    public void Template_SplitModeWithADisruptionBudget_ProtectsTheProxiesNotTheController() =>
        ChartChecks.DisruptionBudgetCoversTheServingPods(Helm.Template(set: ["split.enabled=true", "podDisruptionBudget.enabled=true"]));

    [Fact]
    public void Template_ServiceMonitor_ScrapesEveryPodOfTheRelease()
    {
        ChartChecks.ServiceMonitorScrapesEveryPod(Helm.Template(set: ["serviceMonitor.enabled=true"]));
        ChartChecks.ServiceMonitorScrapesEveryPod(Helm.Template(set: ["serviceMonitor.enabled=true", "split.enabled=true"]));
    }

    [Fact]
    public void Template_InAnotherReleaseAndNamespace_KeepsItsObjectsApart()
    {
        var manifests = Helm.Template("edge", "edge-system", "split.enabled=true");

        manifests.All.Where(m => m.Namespace is not null).Should().OnlyContain(m => m.Namespace == "edge-system");
        manifests.Workloads.Should().OnlyContain(w => w.PodLabels["app.kubernetes.io/instance"] == "edge");
        ManifestChecks.All(manifests);
        ChartChecks.ProxiesReachTheControllersChannel(manifests);
    }

    [Fact]
    public void Template_ExistingChannelSecrets_AreMountedInsteadOfGenerated()
    {
        var manifests = Helm.Template(set: ["split.enabled=true", "split.tls.controllerSecret=controller-tls", "split.tls.proxySecret=proxy-tls"]);

        manifests.OfKind("Secret").Should().BeEmpty();
        manifests.Workloads.Select(w => Yaml.Items(w.Pod, "volumes").Select(v => Yaml.Scalar(Yaml.Child(v, "secret"), "secretName")).Single(n => n != null))
            .Should().BeEquivalentTo(["controller-tls", "proxy-tls"]);
    }

    [Fact]
    public void PlainManifests_BuildWithKubectlKustomize_IntoTheChartsDefaultObjects()
    {
        // The kubectl beside Helm (.ci/install-helm.sh installs both), else the machine's.
        var kubectl = Path.Combine(Path.GetDirectoryName(Helm.Binary)!, "kubectl") is var besideHelm && File.Exists(besideHelm) ? besideHelm : "kubectl";

        var built = Manifests.Parse(Helm.Process(kubectl, ["kustomize", RepoPaths.Of("deploy/kubernetes")]), "kubectl kustomize deploy/kubernetes");

        built.All.Select(m => $"{m.Kind}/{m.Namespace}/{m.Name}").Should().BeEquivalentTo(
            Helm.Template(set: "createNamespace=true").All.Select(m => $"{m.Kind}/{m.Namespace}/{m.Name}"), "`kubectl apply -k deploy/kubernetes` installs what the chart does");
    }

    [Fact]
    public void PlainManifests_AreTheChartsDefaultRender()
    {
        var rendered = Directory.CreateTempSubdirectory("gateway-render-").FullName;
        try
        {
            Helm.Process("bash", [RepoPaths.Of("deploy/render-kubernetes.sh"), rendered]);

            var plain = RepoPaths.Of("deploy/kubernetes");
            var renderedFiles = Directory.GetFiles(rendered).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Directory.GetFiles(plain).Select(Path.GetFileName).Where(f => f != "kind-config.yaml").Order(StringComparer.Ordinal)
                .Should().Equal(renderedFiles, "deploy/kubernetes holds the render and kind-config.yaml only");
            foreach (var file in renderedFiles)
            {
                // The first line names the template: a change made to deploy/kubernetes alone belongs there.
                var expected = File.ReadAllText(Path.Combine(rendered, file!));
                File.ReadAllText(Path.Combine(plain, file!)).Should().Be(expected,
                    $"deploy/kubernetes/{file} is rendered from the chart ({expected.Split('\n')[0]}): make the change in the chart, then run deploy/render-kubernetes.sh");
            }
        }
        finally
        {
            Directory.Delete(rendered, recursive: true);
        }
    }
}
