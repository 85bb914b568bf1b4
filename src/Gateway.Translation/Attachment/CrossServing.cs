// SPDX-License-Identifier: Apache-2.0
using Gateway.Translation.Routes;

namespace Gateway.Translation.Attachment;

/// <summary>
/// The GRPCRoute spec's cross-serving rule (GEP-1016): on one listener, an HTTPRoute and a GRPCRoute whose hostnames
/// intersect cannot both be accepted. The older route (then the first by namespace/name) keeps the listener; the
/// other is left off it. Routes are taken oldest first and only accepted ones block, so a route rejected here does not
/// in turn reject a third one.
/// The hostnames compared are those the route answers on for that listener (already narrowed by the listener's
/// hostname): they are what the two routes would actually share.
/// </summary>
internal static class CrossServing
{
    /// <summary>For each route left off some listener: the listener id and the route that kept it.</summary>
    public static Dictionary<CachedRoute, Dictionary<string, TranslatedRoute>> Reject(List<TranslatedRoute> grpc, List<TranslatedRoute> http)
    {
        var rejected = new Dictionary<CachedRoute, Dictionary<string, TranslatedRoute>>(ReferenceEqualityComparer.Instance);
        var shared = ListenersOf(grpc);
        if (shared.Count == 0)
        {
            return rejected; // No GRPCRoute attached anywhere: nothing can conflict (the common case, checked in O(gRPC routes)).
        }

        var byListener = new Dictionary<string, List<Attached>>(StringComparer.Ordinal);
        Collect(grpc, isGrpc: true, shared, byListener);
        Collect(http, isGrpc: false, shared, byListener);
        foreach (var (listenerId, attached) in byListener)
        {
            if (attached.All(a => a.IsGrpc))
            {
                continue;
            }

            attached.Sort(static (a, b) => a.Created != b.Created ? a.Created.CompareTo(b.Created) : string.CompareOrdinal(a.Key, b.Key));
            var hosts = (Grpc: new HostSet(), Http: new HostSet());
            var routes = (Grpc: new List<Attached>(), Http: new List<Attached>());
            foreach (var candidate in attached)
            {
                var (otherHosts, otherRoutes) = candidate.IsGrpc ? (hosts.Http, routes.Http) : (hosts.Grpc, routes.Grpc);
                if (otherHosts.Overlaps(candidate.Hosts))
                {
                    if (!rejected.TryGetValue(candidate.Route.Result, out var lost))
                    {
                        rejected[candidate.Route.Result] = lost = new Dictionary<string, TranslatedRoute>(StringComparer.Ordinal);
                    }

                    lost[listenerId] = otherRoutes.First(k => new HostSet(k.Hosts).Overlaps(candidate.Hosts)).Route;
                    continue;
                }

                (candidate.IsGrpc ? hosts.Grpc : hosts.Http).Add(candidate.Hosts);
                (candidate.IsGrpc ? routes.Grpc : routes.Http).Add(candidate);
            }
        }

        return rejected;
    }

    private static HashSet<string> ListenersOf(List<TranslatedRoute> routes)
    {
        var listeners = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            foreach (var (listenerId, _) in route.Result.Attachments)
            {
                listeners.Add(listenerId);
            }
        }

        return listeners;
    }

    private static void Collect(
        List<TranslatedRoute> routes, bool isGrpc, HashSet<string> shared,
        Dictionary<string, List<Attached>> byListener)
    {
        foreach (var route in routes)
        {
            string? key = null; // "{namespace}/{name}", the spec's tie-break, made once per route rather than per comparison.
            foreach (var (listenerId, hosts) in route.Result.Attachments)
            {
                if (!shared.Contains(listenerId))
                {
                    continue;
                }

                if (!byListener.TryGetValue(listenerId, out var attached))
                {
                    byListener[listenerId] = attached = [];
                }

                key ??= $"{route.Metadata.Namespace}/{route.Metadata.Name}";
                attached.Add(new Attached(route, hosts, isGrpc, route.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue, key));
            }
        }
    }

    /// <summary>A route on one listener: its hostnames there, its kind, and what orders it (oldest, then namespace/name).</summary>
    private readonly record struct Attached(TranslatedRoute Route, IReadOnlyList<string> Hosts, bool IsGrpc, DateTimeOffset Created, string Key);

    /// <summary>
    /// Hostnames kept so far on one listener for one kind: exact names in a set, wildcards (and "*") in a list, so
    /// checking a route against thousands of exact names costs one lookup per name.
    /// </summary>
    private sealed class HostSet
    {
        private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _patterns = [];

        public HostSet()
        {
        }

        public HostSet(IReadOnlyList<string> hosts) => Add(hosts);

        public void Add(IReadOnlyList<string> hosts)
        {
            foreach (var host in hosts)
            {
                if (host == Hostnames.Any || Hostnames.IsWildcard(host))
                {
                    _patterns.Add(host);
                }
                else
                {
                    _exact.Add(host);
                }
            }
        }

        public bool Overlaps(IReadOnlyList<string> hosts)
        {
            foreach (var host in hosts)
            {
                if (Overlaps(host))
                {
                    return true;
                }
            }

            return false;
        }

        private bool Overlaps(string host)
        {
            if (host == Hostnames.Any)
            {
                return _exact.Count > 0 || _patterns.Count > 0;
            }

            if (!Hostnames.IsWildcard(host) && _exact.Contains(host))
            {
                return true;
            }

            foreach (var pattern in _patterns)
            {
                if (string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase) || Hostnames.Matches(pattern, host) || Hostnames.Matches(host, pattern))
                {
                    return true;
                }
            }

            if (Hostnames.IsWildcard(host))
            {
                foreach (var exact in _exact)
                {
                    if (Hostnames.Matches(host, exact))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
