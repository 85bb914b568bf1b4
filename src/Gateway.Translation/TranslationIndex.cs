// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.Core;
using Gateway.Model.Meta;

namespace Gateway.Translation;

/// <summary>Lookups over one ResourceSnapshot, built once per translation.</summary>
internal sealed class TranslationIndex
{
    public TranslationIndex(ResourceSnapshot resources)
    {
        Resources = resources;
        Services = resources.Services.GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.First());
        Secrets = resources.Secrets.GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.First());
        Namespaces = resources.Namespaces.GroupBy(n => n.Metadata.Name).ToDictionary(g => g.Key, g => g.First());
        SlicesByService = resources.EndpointSlices
            .Where(s => s.ServiceName is not null)
            .GroupBy(s => new NamespacedName(s.Metadata.Namespace ?? "", s.ServiceName!))
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal).ToImmutableArray());
    }

    public ResourceSnapshot Resources { get; }
    public IReadOnlyDictionary<NamespacedName, V1Service> Services { get; }
    public IReadOnlyDictionary<NamespacedName, V1Secret> Secrets { get; }
    public IReadOnlyDictionary<string, V1Namespace> Namespaces { get; }
    public IReadOnlyDictionary<NamespacedName, ImmutableArray<V1EndpointSlice>> SlicesByService { get; }

    /// <summary>A namespace's labels, with the kubernetes.io/metadata.name label the API server always sets.</summary>
    public ImmutableDictionary<string, string> NamespaceLabels(string ns) =>
        (Namespaces.TryGetValue(ns, out var n) && n.Metadata.Labels is { } labels ? labels : ImmutableDictionary<string, string>.Empty)
            .SetItem("kubernetes.io/metadata.name", ns);
}
