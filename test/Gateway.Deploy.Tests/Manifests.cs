// SPDX-License-Identifier: Apache-2.0
using YamlDotNet.RepresentationModel;

namespace Gateway.Deploy.Tests;

/// <summary>One Kubernetes object read from YAML, and where it came from.</summary>
internal sealed record Manifest(string Source, YamlMappingNode Node)
{
    public string Kind => Yaml.Scalar(Node, "kind") ?? "";

    public string Name => Yaml.Scalar(Node["metadata"], "name") ?? "";

    public string? Namespace => Yaml.Scalar(Node["metadata"], "namespace");

    public IReadOnlyDictionary<string, string> Labels => Yaml.Map(Node["metadata"], "labels");

    public override string ToString() => $"{Kind} {Name} ({Source})";
}

/// <summary>A set of objects: the files of a folder, or one `helm template` output.</summary>
internal sealed class Manifests(IReadOnlyList<Manifest> all)
{
    public IReadOnlyList<Manifest> All { get; } = all;

    public static Manifests FromFolder(string folder) => new(
        Directory.EnumerateFiles(RepoPaths.Of(folder), "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .SelectMany(file => Parse(File.ReadAllText(file), Path.GetRelativePath(RepoPaths.Root, file)).All)
            .ToList());

    public static Manifests Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new(stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().Select(node => new Manifest(source, node)).ToList());
    }

    public IEnumerable<Manifest> OfKind(string kind) => All.Where(m => m.Kind == kind);

    public Manifest Single(string kind, string name) => All.Single(m => m.Kind == kind && m.Name == name);

    public Manifest? Find(string kind, string name) => All.SingleOrDefault(m => m.Kind == kind && m.Name == name);

    /// <summary>The DaemonSets and Deployments running the gateway binary.</summary>
    public IReadOnlyList<Workload> Workloads => All.Where(m => m.Kind is "DaemonSet" or "Deployment").Select(m => new Workload(m)).ToList();
}

/// <summary>A DaemonSet or Deployment of the gateway: its pod and its one container.</summary>
internal sealed record Workload(Manifest Manifest)
{
    public YamlMappingNode Pod => (YamlMappingNode)Manifest.Node["spec"]["template"]["spec"];

    public YamlMappingNode Container => (YamlMappingNode)((YamlSequenceNode)Pod["containers"]).Children.Single();

    public IReadOnlyList<string> Args => Yaml.Strings(Container, "args").ToList();

    public IReadOnlyDictionary<string, string> PodLabels => Yaml.Map(Manifest.Node["spec"]["template"]["metadata"], "labels");

    public IReadOnlyDictionary<string, string> MatchLabels => Yaml.Map(Manifest.Node["spec"]["selector"], "matchLabels");

    /// <summary>--role's value: all, controller or proxy.</summary>
    public string Role => Flag("--role") ?? "all";

    /// <summary>The value of --name=VALUE, or null when absent.</summary>
    public string? Flag(string name) => Args.SingleOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    public string ServiceAccount => Yaml.Scalar(Pod, "serviceAccountName") ?? "default";

    public override string ToString() => Manifest.ToString();
}
