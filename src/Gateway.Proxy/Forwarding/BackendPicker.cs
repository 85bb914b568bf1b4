// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Snapshot;

namespace Gateway.Proxy.Forwarding;

/// <summary>Weighted random choice among a rule's backends; a zero weight is never chosen.</summary>
internal static class BackendPicker
{
    /// <summary>The index of the chosen backend; -1 when every weight is zero.</summary>
    public static int Pick(ImmutableArray<WeightedBackend> backends)
    {
        var total = 0;
        foreach (var backend in backends)
        {
            total += Math.Max(0, backend.Weight);
        }

        if (total == 0)
        {
            return -1;
        }

        var ticket = Random.Shared.Next(total);
        for (var i = 0; i < backends.Length; i++)
        {
            ticket -= Math.Max(0, backends[i].Weight);
            if (ticket < 0)
            {
                return i;
            }
        }

        return -1;
    }
}
