// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Gateway.Model;
using Gateway.Model.Meta;
using Gateway.Snapshot;
using Gateway.Translation.Listeners;
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

    // The last order of each route kind's objects, by the kind's type.
    private readonly Dictionary<Type, object> _orders = [];

    internal Dictionary<KubernetesObject, CachedRoute> Routes { get; private set; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Equal route statuses as one instance, across translations.</summary>
    internal StatusPool Statuses { get; } = new();

    // The VirtualHosts each listener had in the last translation. Replaced per listener as it is translated; a
    // listener that is gone leaves its entry behind until the next invalidation.
    private Dictionary<string, ListenerHosts> _virtualHosts = new(StringComparer.Ordinal);

    internal ListenerHosts? VirtualHosts(string listenerId) => _virtualHosts.GetValueOrDefault(listenerId);

    /// <summary>Remembers a listener's VirtualHosts; the name index is updated in place for what changed.</summary>
    internal void KeepVirtualHosts(string listenerId, ImmutableArray<VirtualHost> hosts, IReadOnlyDictionary<string, HostRoutes> present)
    {
        if (!_virtualHosts.TryGetValue(listenerId, out var previous))
        {
            var byName = new Dictionary<string, VirtualHost>(hosts.Length, StringComparer.Ordinal);
            foreach (var host in hosts)
            {
                byName[host.Hostname] = host;
            }

            _virtualHosts[listenerId] = new ListenerHosts(hosts, byName);
            return;
        }

        var index = previous.ByName;
        foreach (var host in hosts)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(index, host.Hostname, out _);
            slot = host;
        }

        if (index.Count != hosts.Length)
        {
            foreach (var name in index.Keys)
            {
                if (!present.ContainsKey(name))
                {
                    index.Remove(name);
                }
            }
        }

        _virtualHosts[listenerId] = new ListenerHosts(hosts, index);
    }

    /// <summary>
    /// The routes in namespace/name order. The order of the last call is kept: the routes seen before stay where they
    /// were and only new ones are sorted and merged in, so a one-route change does not sort 10,000 routes again.
    /// </summary>
    internal TRoute[] InKeyOrder<TRoute>(ImmutableArray<TRoute> routes)
        where TRoute : KubernetesObject
    {
        var last = _orders.GetValueOrDefault(typeof(TRoute)) as KeyOrder<TRoute> ?? new KeyOrder<TRoute>([], new(ReferenceEqualityComparer.Instance));
        var present = new HashSet<TRoute>(routes.Length, ReferenceEqualityComparer.Instance);
        var fresh = new List<TRoute>();
        foreach (var route in routes)
        {
            if (present.Add(route) && !last.Set.Contains(route))
            {
                fresh.Add(route);
            }
        }

        fresh.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        var ordered = new TRoute[present.Count];
        int next = 0, from = 0;
        foreach (var kept in last.Ordered)
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

        _orders[typeof(TRoute)] = new KeyOrder<TRoute>(ordered, present);
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
            && Same(previous.ProxyConfigs, resources.ProxyConfigs) && Same(previous.ListenerSets, resources.ListenerSets);
        if (!same)
        {
            Routes = new(ReferenceEqualityComparer.Instance);
            _virtualHosts = new(StringComparer.Ordinal);
        }

        _dependencies = resources;
        _options = options;
    }

    /// <summary>Keeps only the routes of this translation, so deleted routes do not linger.</summary>
    internal void Replace(Dictionary<KubernetesObject, CachedRoute> routes) => Routes = routes;

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

/// <summary>One kind's routes in the order of the last translation, and the same as a set.</summary>
internal sealed record KeyOrder<TRoute>(TRoute[] Ordered, HashSet<TRoute> Set);

/// <summary>A listener's VirtualHosts in snapshot order, and the same by hostname.</summary>
internal sealed record ListenerHosts(ImmutableArray<VirtualHost> InOrder, Dictionary<string, VirtualHost> ByName);
