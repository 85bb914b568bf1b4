// SPDX-License-Identifier: Apache-2.0
using Gateway.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace Gateway.Deploy.Tests;

/// <summary>The Kubernetes manifests in deploy/ parse, and RBAC grants exactly what the code uses.</summary>
public sealed class ManifestTests
{
    private static IEnumerable<(string File, YamlMappingNode Document)> Documents(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Of(folder), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            foreach (var document in stream.Documents)
            {
                yield return (Path.GetRelativePath(RepoPaths.Root, file), (YamlMappingNode)document.RootNode);
            }
        }
    }

    private static string? Scalar(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;

    private static IEnumerable<string> Strings(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode seq
            ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "")
            : [];

    [Fact]
    public void EveryManifest_ParsesWithKindAndName()
    {
        var documents = Documents("deploy").ToList();

        documents.Should().NotBeEmpty();
        foreach (var (file, document) in documents)
        {
            Scalar(document, "kind").Should().NotBeNullOrEmpty($"{file} documents need a kind");
            if (Scalar(document, "kind") is not ("Cluster" or "Kustomization"))
            {
                Scalar(document, "apiVersion").Should().NotBeNullOrEmpty($"{file}");
                Scalar(document["metadata"], "name").Should().NotBeNullOrEmpty($"{file}");
            }
        }
    }

    [Fact]
    public void Rbac_GrantsExactlyTheApiPermissionsTheCodeUses()
    {
        var rules = Documents("deploy/kubernetes")
            .Where(d => Scalar(d.Document, "kind") is "ClusterRole" or "Role")
            .SelectMany(d => ((YamlSequenceNode)d.Document["rules"]).Children.Select(rule => (Namespaced: Scalar(d.Document, "kind") == "Role", Rule: rule)))
            .SelectMany(r => Strings(r.Rule, "apiGroups").SelectMany(group => Strings(r.Rule, "resources").Select(resource =>
                (Group: group, Resource: resource, r.Namespaced, Verbs: Strings(r.Rule, "verbs").ToHashSet()))))
            .ToList();

        rules.Should().NotContain(r => r.Resource == "*" || r.Verbs.Contains("*") || r.Group == "*", "no wildcard grants");
        foreach (var needed in ApiPermissions.Required)
        {
            var granted = rules.Where(r => r.Group == needed.Group && r.Resource == needed.Resource && r.Namespaced == needed.Namespaced).SelectMany(r => r.Verbs).ToHashSet();
            granted.Should().BeEquivalentTo(needed.Verbs, $"rbac.yaml must grant {needed.Group}/{needed.Resource} exactly {string.Join(",", needed.Verbs)}");
        }

        rules.Select(r => (r.Group, r.Resource)).Should().OnlyContain(
            r => ApiPermissions.Required.Any(p => p.Group == r.Group && p.Resource == r.Resource), "RBAC grants nothing the code does not use");
    }

    [Fact]
    public void DaemonSet_ProbesHealthAndReadiness_RunsNonRootWithReadOnlyRoot()
    {
        var daemonSet = Documents("deploy/kubernetes").Single(d => Scalar(d.Document, "kind") == "DaemonSet").Document;
        var pod = (YamlMappingNode)daemonSet["spec"]["template"]["spec"];
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children[0];

        Scalar(pod["securityContext"], "runAsNonRoot").Should().Be("true");
        Scalar(container["securityContext"], "readOnlyRootFilesystem").Should().Be("true");
        Scalar(container["livenessProbe"]["httpGet"], "path").Should().Be("/healthz");
        Scalar(container["readinessProbe"]["httpGet"], "path").Should().Be("/readyz");
        Scalar(daemonSet["spec"]["template"]["metadata"]["annotations"], "prometheus.io/scrape").Should().Be("true");
        container["resources"]["requests"].Should().NotBeNull();
        container["resources"]["limits"].Should().NotBeNull();
    }

    [Fact]
    public void DaemonSet_Args_AreFlagsTheBinaryAccepts()
    {
        var daemonSet = Documents("deploy/kubernetes").Single(d => Scalar(d.Document, "kind") == "DaemonSet").Document;
        var container = (YamlMappingNode)((YamlSequenceNode)daemonSet["spec"]["template"]["spec"]["containers"]).Children[0];
        var args = ((YamlSequenceNode)container["args"]).Children.OfType<YamlScalarNode>().Select(a => a.Value!.Replace("$(POD_NAMESPACE)", "gateway-system", StringComparison.Ordinal)).ToArray();

        var parsed = Gateway.Cli.CommandLine.Build().Parse(args);

        parsed.Errors.Should().BeEmpty();
    }

    [Fact]
    public void DaemonSet_TerminationGracePeriod_CoversTheDrainAndTheShutdownTimeout()
    {
        var daemonSet = Documents("deploy/kubernetes").Single(d => Scalar(d.Document, "kind") == "DaemonSet").Document;
        var pod = (YamlMappingNode)daemonSet["spec"]["template"]["spec"];
        var args = ((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children[0])["args"]).Children.OfType<YamlScalarNode>().Select(a => a.Value!).ToArray();
        TimeSpan Flag(string name)
        {
            var value = args.Single(a => a.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];
            Gateway.Translation.Routes.Durations.TryParse(value, out var duration).Should().BeTrue($"{name}={value} is a duration");
            return duration;
        }

        var grace = TimeSpan.FromSeconds(int.Parse(Scalar(pod, "terminationGracePeriodSeconds")!, System.Globalization.CultureInfo.InvariantCulture));

        // The gateway allows 5 s after the listeners close for the rest of its stop (Hosting/GracefulShutdown.cs).
        grace.Should().BeGreaterThanOrEqualTo(Flag("--drain-period") + Flag("--shutdown-timeout") + TimeSpan.FromSeconds(5),
            "the kubelet must not SIGKILL the gateway while it drains or finishes requests in flight");
    }

    [Fact]
    public void DaemonSet_ServiceSelector_MatchesItsOwnPodLabels()
    {
        var daemonSet = Documents("deploy/kubernetes").Single(d => Scalar(d.Document, "kind") == "DaemonSet").Document;
        var container = (YamlMappingNode)((YamlSequenceNode)daemonSet["spec"]["template"]["spec"]["containers"]).Children[0];
        var selectorArg = ((YamlSequenceNode)container["args"]).Children.OfType<YamlScalarNode>().Select(a => a.Value!)
            .Single(a => a.StartsWith("--service-selector=", StringComparison.Ordinal));
        var podLabels = ((YamlMappingNode)daemonSet["spec"]["template"]["metadata"]["labels"]).Children
            .ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);

        var selector = Gateway.Cli.ServiceFlags.ParseSelector(selectorArg["--service-selector=".Length..]);

        selector.Should().NotBeEmpty();
        selector.Should().OnlyContain(l => podLabels.ContainsKey(l.Key) && podLabels[l.Key] == l.Value, "each Gateway's Service must select the gateway pods");
    }
}
