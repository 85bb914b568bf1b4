// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model;
using Gateway.Model.GatewayApi;
using Gateway.Translation.Backends;
using Gateway.Translation.Routes;
using Gateway.Translation.Status;

namespace Gateway.Translation;

/// <summary>
/// Memoises per-route work between translations. A route's verdict, attachments and status depend only on the
/// route and on the other kinds of objects (Gateways, Services, grants, …); while those are the same instances,
/// a route object seen before is replayed instead of translated again. EndpointSlices are not among them: a
/// replayed route's clusters are rebuilt from the current slices, because endpoints churn all the time. The output is identical with or without
/// a cache (a test checks this); the cache only saves time. Not thread-safe: one control loop owns it.
/// </summary>
public sealed class TranslationCache
{
    private ResourceSnapshot? _dependencies;
    private TranslatorOptions? _options;

    private V1HTTPRoute[] _ordered = [];
    private HashSet<V1HTTPRoute> _orderedSet = new(ReferenceEqualityComparer.Instance);

    internal Dictionary<V1HTTPRoute, CachedRoute> Routes { get; private set; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The routes in namespace/name order. The order of the last call is kept: the routes seen before stay where they
    /// were and only new ones are sorted and merged in, so a one-route change does not sort 10,000 routes again.
    /// </summary>
    internal V1HTTPRoute[] InKeyOrder(ImmutableArray<V1HTTPRoute> routes)
    {
        var present = new HashSet<V1HTTPRoute>(routes.Length, ReferenceEqualityComparer.Instance);
        var fresh = new List<V1HTTPRoute>();
        foreach (var route in routes)
        {
            if (present.Add(route) && !_orderedSet.Contains(route))
            {
                fresh.Add(route);
            }
        }

        fresh.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        var ordered = new V1HTTPRoute[present.Count];
        int next = 0, from = 0;
        foreach (var kept in _ordered)
        {
            if (!present.Contains(kept))
            {
                continue;
            }

            while (from < fresh.Count && fresh[from].Key.CompareTo(kept.Key) < 0)
            {
                ordered[next++] = fresh[from++];
            }

            ordered[next++] = kept;
        }

        while (from < fresh.Count)
        {
            ordered[next++] = fresh[from++];
        }

        (_ordered, _orderedSet) = (ordered, present);
        return ordered;
    }

    /// <summary>Drops every cached route unless the dependencies and options are the very same as last time.</summary>
    internal void Validate(ResourceSnapshot resources, TranslatorOptions options)
    {
        var same = _dependencies is { } previous && ReferenceEquals(_options, options)
            && Same(previous.GatewayClasses, resources.GatewayClasses) && Same(previous.Gateways, resources.Gateways)
            && Same(previous.ReferenceGrants, resources.ReferenceGrants) && Same(previous.Services, resources.Services)
            && Same(previous.Secrets, resources.Secrets)
            && Same(previous.Namespaces, resources.Namespaces) && Same(previous.ConfigMaps, resources.ConfigMaps)
            && Same(previous.ProxyConfigs, resources.ProxyConfigs);
        if (!same)
        {
            Routes = new(ReferenceEqualityComparer.Instance);
        }

        _dependencies = resources;
        _options = options;
    }

    /// <summary>Keeps only the routes of this translation, so deleted routes do not linger.</summary>
    internal void Replace(Dictionary<V1HTTPRoute, CachedRoute> routes) => Routes = routes;

    private static bool Same<T>(ImmutableArray<T> a, ImmutableArray<T> b)
        where T : class
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>What one route contributed to a translation.</summary>
internal sealed record CachedRoute(
    RouteVerdict Verdict,
    ImmutableArray<(string ListenerId, IReadOnlyList<string> Hosts)> Attachments,
    ObjectStatus? Status,
    ImmutableArray<ClusterSource> Clusters);
