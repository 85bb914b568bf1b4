// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Core;
using Gateway.Model.Extensions;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;

namespace Gateway.Model;

/// <summary>
/// Every object a source watches, as one immutable value. Sources build it; the translator reads it.
/// Order inside each array carries no meaning.
/// </summary>
public sealed record ResourceSnapshot
{
    public static readonly ResourceSnapshot Empty = new();

    public ImmutableArray<V1GatewayClass> GatewayClasses { get; init; } = [];
    public ImmutableArray<V1Gateway> Gateways { get; init; } = [];
    public ImmutableArray<V1HTTPRoute> HTTPRoutes { get; init; } = [];
    public ImmutableArray<V1GRPCRoute> GRPCRoutes { get; init; } = [];
    public ImmutableArray<V1TLSRoute> TLSRoutes { get; init; } = [];
    public ImmutableArray<V1TCPRoute> TCPRoutes { get; init; } = [];
    public ImmutableArray<V1ReferenceGrant> ReferenceGrants { get; init; } = [];
    public ImmutableArray<V1Service> Services { get; init; } = [];
    public ImmutableArray<V1EndpointSlice> EndpointSlices { get; init; } = [];
    public ImmutableArray<V1Secret> Secrets { get; init; } = [];
    public ImmutableArray<V1Namespace> Namespaces { get; init; } = [];
    public ImmutableArray<V1ConfigMap> ConfigMaps { get; init; } = [];
    public ImmutableArray<V1Alpha1ProxyConfig> ProxyConfigs { get; init; } = [];
    public ImmutableArray<V1BackendTLSPolicy> BackendTLSPolicies { get; init; } = [];
    public ImmutableArray<V1ListenerSet> ListenerSets { get; init; } = [];

    /// <summary>Sorts objects of every kind into their arrays (objects of other types are ignored).</summary>
    public static ResourceSnapshot FromObjects(IReadOnlyCollection<KubernetesObject> objects) => new()
    {
        GatewayClasses = [.. objects.OfType<V1GatewayClass>()],
        Gateways = [.. objects.OfType<V1Gateway>()],
        HTTPRoutes = [.. objects.OfType<V1HTTPRoute>()],
        GRPCRoutes = [.. objects.OfType<V1GRPCRoute>()],
        TLSRoutes = [.. objects.OfType<V1TLSRoute>()],
        TCPRoutes = [.. objects.OfType<V1TCPRoute>()],
        ReferenceGrants = [.. objects.OfType<V1ReferenceGrant>()],
        Services = [.. objects.OfType<V1Service>()],
        EndpointSlices = [.. objects.OfType<V1EndpointSlice>()],
        Secrets = [.. objects.OfType<V1Secret>()],
        Namespaces = [.. objects.OfType<V1Namespace>()],
        ConfigMaps = [.. objects.OfType<V1ConfigMap>()],
        ProxyConfigs = [.. objects.OfType<V1Alpha1ProxyConfig>()],
        BackendTLSPolicies = [.. objects.OfType<V1BackendTLSPolicy>()],
        ListenerSets = [.. objects.OfType<V1ListenerSet>()],
    };

    /// <summary>Object counts by kind, for metrics and /status.</summary>
    public IReadOnlyDictionary<string, int> CountByKind() => new SortedDictionary<string, int>(StringComparer.Ordinal)
    {
        ["GatewayClass"] = GatewayClasses.Length,
        ["Gateway"] = Gateways.Length,
        ["HTTPRoute"] = HTTPRoutes.Length,
        ["GRPCRoute"] = GRPCRoutes.Length,
        ["TLSRoute"] = TLSRoutes.Length,
        ["TCPRoute"] = TCPRoutes.Length,
        ["ReferenceGrant"] = ReferenceGrants.Length,
        ["Service"] = Services.Length,
        ["EndpointSlice"] = EndpointSlices.Length,
        ["Secret"] = Secrets.Length,
        ["Namespace"] = Namespaces.Length,
        ["ConfigMap"] = ConfigMaps.Length,
        ["ProxyConfig"] = ProxyConfigs.Length,
        ["BackendTLSPolicy"] = BackendTLSPolicies.Length,
        ["ListenerSet"] = ListenerSets.Length,
    };
}
