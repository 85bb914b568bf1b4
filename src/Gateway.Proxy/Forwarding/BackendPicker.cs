// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Snapshot;

namespace Gateway.Proxy.Forwarding;

/// <summary>Weighted random choice among a rule's backends; a zero weight is never chosen.</summary>
internal static class BackendPicker
{
    public static WeightedBackend? Pick(ImmutableArray<WeightedBackend> backends)
    {
        var total = 0;
        foreach (var backend in backends)
        {
            total += Math.Max(0, backend.Weight);
        }

        if (total == 0)
        {
            return null;
        }

        var ticket = Random.Shared.Next(total);
        foreach (var backend in backends)
        {
            ticket -= Math.Max(0, backend.Weight);
            if (ticket < 0)
            {
                return backend;
            }
        }

        return null;
    }
}
