// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Gateway.Snapshot;
using Gateway.Translation.Attachment;

namespace Gateway.Translation.Listeners;

/// <summary>
/// Turns a listener's attached routes into its VirtualHosts: most specific hostname first (then by name), each
/// with its routes in Gateway API precedence order. With a cache, the work follows the change, not the table:
/// the hostnames of last time keep their order and only new ones are sorted in, and a hostname whose routes are
/// the very ones of last time keeps its VirtualHost instance (so the data plane keeps what it compiled for it).
/// </summary>
internal static class VirtualHostBuilder
{
    public static ImmutableArray<VirtualHost> Build(ListenerPlan listener, TranslationCache? cache)
    {
        var previous = cache?.VirtualHosts(listener.Id);
        var fresh = new List<(int Specificity, string Hostname)>();
        foreach (var hostname in listener.Hosts.Keys)
        {
            if (previous is null || !previous.ByName.ContainsKey(hostname))
            {
                fresh.Add((Hostnames.Specificity(hostname), hostname));
            }
        }

        fresh.Sort(static (a, b) => Compare(a.Specificity, a.Hostname, b.Specificity, b.Hostname));
        var built = ImmutableArray.CreateBuilder<VirtualHost>(listener.Hosts.Count);
        var next = 0;
        foreach (var kept in previous?.InOrder ?? [])
        {
            if (!listener.Hosts.TryGetValue(kept.Hostname, out var entries))
            {
                continue;
            }

            var specificity = Hostnames.Specificity(kept.Hostname);
            while (next < fresh.Count && Compare(fresh[next].Specificity, fresh[next].Hostname, specificity, kept.Hostname) < 0)
            {
                built.Add(Create(fresh[next].Hostname, listener.Hosts[fresh[next].Hostname], null));
                next++;
            }

            built.Add(Create(kept.Hostname, entries, kept));
        }

        for (; next < fresh.Count; next++)
        {
            built.Add(Create(fresh[next].Hostname, listener.Hosts[fresh[next].Hostname], null));
        }

        var result = built.MoveToImmutable();
        cache?.KeepVirtualHosts(listener.Id, result, listener.Hosts);
        return result;
    }

    private static int Compare(int specificityA, string hostnameA, int specificityB, string hostnameB) =>
        specificityA != specificityB ? specificityB.CompareTo(specificityA) : string.CompareOrdinal(hostnameA, hostnameB);

    private static VirtualHost Create(string hostname, HostRoutes attached, VirtualHost? previous)
    {
        var entries = attached.InPrecedenceOrder();
        if (previous is not null && SameRoutes(previous.Routes, entries))
        {
            return previous;
        }

        var routes = new Route[entries.Length];
        for (var i = 0; i < routes.Length; i++)
        {
            routes[i] = entries[i].Route;
        }

        return new VirtualHost { Hostname = hostname, Routes = ImmutableCollectionsMarshal.AsImmutableArray(routes) };
    }

    private static bool SameRoutes(ImmutableArray<Route> routes, ReadOnlySpan<RouteEntry> entries)
    {
        if (routes.Length != entries.Length)
        {
            return false;
        }

        for (var i = 0; i < routes.Length; i++)
        {
            if (!ReferenceEquals(routes[i], entries[i].Route))
            {
                return false;
            }
        }

        return true;
    }
}
