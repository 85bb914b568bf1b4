// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Translation.Listeners;

namespace Gateway.Translation.Routes;

/// <summary>
/// A route translated independently of its parents: its entries, why it cannot be accepted (if so),
/// and why some backend did not resolve (if so).
/// </summary>
internal sealed record RouteVerdict(
    ImmutableArray<RouteEntry> Entries,
    string? UnsupportedValue,
    string? UnresolvedReason,
    string? UnresolvedMessage)
{
    /// <summary>The entries when nothing was wrong with the route, else none and the reasons.</summary>
    public static RouteVerdict Of(ImmutableArray<RouteEntry>.Builder entries, FilterTranslator filters)
    {
        var problems = filters.Problems;
        return new RouteVerdict(
            problems.Count == 0 ? entries.ToImmutable() : [],
            problems.Count == 0 ? null : string.Join(" ", problems.Distinct()),
            filters.Unresolved?.Reason,
            filters.Unresolved?.Message);
    }
}
