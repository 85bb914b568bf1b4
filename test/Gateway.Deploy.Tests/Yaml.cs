// SPDX-License-Identifier: Apache-2.0
using YamlDotNet.RepresentationModel;

namespace Gateway.Deploy.Tests;

/// <summary>Null-tolerant reads of YAML nodes.</summary>
internal static class Yaml
{
    public static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Scalar(YamlNode? node, string key) => Child(node, key) is YamlScalarNode s ? s.Value : null;

    public static IEnumerable<string> Strings(YamlNode? node, string key) =>
        Child(node, key) is YamlSequenceNode seq ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "") : [];

    public static IEnumerable<YamlMappingNode> Items(YamlNode? node, string key) =>
        Child(node, key) is YamlSequenceNode seq ? seq.Children.OfType<YamlMappingNode>() : [];

    public static IReadOnlyDictionary<string, string> Map(YamlNode? node, string key) =>
        Child(node, key) is YamlMappingNode map
            ? map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => (p.Value as YamlScalarNode)?.Value ?? "")
            : new Dictionary<string, string>();

    /// <summary>True when every label of the selector is on the object with the same value.</summary>
    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value);
}
