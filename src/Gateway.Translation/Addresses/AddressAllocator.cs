// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Translation.Addresses;

/// <summary>
/// Hands each Gateway a stable address from the pool: the Gateway's name hashes to a slot, and collisions
/// probe forward in (namespace, name) order, so adding or removing one Gateway rarely moves another.
/// </summary>
internal static class AddressAllocator
{
    public static ImmutableDictionary<NamespacedName, string> Allocate(
        IEnumerable<NamespacedName> gateways, ImmutableArray<string> pool, IReadOnlySet<string> taken)
    {
        var result = ImmutableDictionary.CreateBuilder<NamespacedName, string>();
        if (pool.IsDefaultOrEmpty)
        {
            return result.ToImmutable();
        }

        var used = new HashSet<string>(taken, StringComparer.Ordinal);
        foreach (var gateway in gateways.Order())
        {
            var start = (int)(StableHash.Of(gateway.ToString()) % (uint)pool.Length);
            for (var i = 0; i < pool.Length; i++)
            {
                var candidate = pool[(start + i) % pool.Length];
                if (used.Add(candidate))
                {
                    result[gateway] = candidate;
                    break;
                }
            }
        }

        return result.ToImmutable();
    }
}
