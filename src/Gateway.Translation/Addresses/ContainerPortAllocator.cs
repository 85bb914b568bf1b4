// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Translation.Addresses;

/// <summary>
/// Gives each (Gateway, listener port) its own container port from a range, so that every replica can serve
/// every Gateway and two Gateways on port 80 still land on different sockets. A port a Gateway's Service already
/// targets is kept while it is free (the cluster remembers the assignment across restarts); a new one starts
/// at a slot hashed from the Gateway's namespace/name and port and probes forward, older Gateways first.
/// </summary>
internal static class ContainerPortAllocator
{
    /// <param name="gateways">Gateways in priority order (oldest first), each with its distinct listener ports.</param>
    /// <param name="current">The container port each (Gateway, listener port) targets today.</param>
    /// <returns>Listener port → container port per Gateway; a Gateway that could not get all its ports is missing.</returns>
    public static Dictionary<NamespacedName, ImmutableSortedDictionary<int, int>> Allocate(
        IReadOnlyList<(NamespacedName Gateway, IReadOnlyList<int> Ports)> gateways,
        PortRange range,
        IReadOnlyDictionary<(NamespacedName Gateway, int Port), int> current)
    {
        var used = new HashSet<int>();
        var kept = new Dictionary<(NamespacedName, int), int>();
        foreach (var (gateway, ports) in gateways)
        {
            foreach (var port in ports)
            {
                if (current.TryGetValue((gateway, port), out var target) && range.Contains(target) && used.Add(target))
                {
                    kept[(gateway, port)] = target;
                }
            }
        }

        var result = new Dictionary<NamespacedName, ImmutableSortedDictionary<int, int>>();
        foreach (var (gateway, ports) in gateways)
        {
            var mine = ImmutableSortedDictionary.CreateBuilder<int, int>();
            foreach (var port in ports)
            {
                if (!kept.TryGetValue((gateway, port), out var target))
                {
                    if (Probe($"{gateway}:{port}", range, used) is not { } free)
                    {
                        break;
                    }

                    target = free;
                    used.Add(target);
                }

                mine[port] = target;
            }

            if (mine.Count == ports.Count)
            {
                result[gateway] = mine.ToImmutable();
            }
            else
            {
                used.ExceptWith(mine.Values); // All or nothing: what this Gateway holds may serve a younger one.
            }
        }

        return result;
    }

    private static int? Probe(string key, PortRange range, HashSet<int> used)
    {
        var start = (int)(StableHash.Of(key) % (uint)range.Count);
        for (var i = 0; i < range.Count; i++)
        {
            var candidate = range.First + ((start + i) % range.Count);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
