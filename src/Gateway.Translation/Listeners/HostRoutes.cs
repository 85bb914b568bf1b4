// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Gateway.Translation.Ordering;

namespace Gateway.Translation.Listeners;

/// <summary>
/// The route entries attached to one hostname of a listener. Most hostnames have the entries of a single route;
/// those are kept as that route's own array, and a list is made only when a second route joins.
/// </summary>
internal struct HostRoutes
{
    private ImmutableArray<RouteEntry> _single;
    private List<RouteEntry>? _many;

    public void Add(ImmutableArray<RouteEntry> entries)
    {
        if (_many is null && _single.IsDefault)
        {
            _single = entries;
            return;
        }

        _many ??= [.. _single];
        _many.AddRange(entries);
        _single = default;
    }

    /// <summary>The entries in precedence order (a span, so the common single-route case allocates nothing).</summary>
    public readonly ReadOnlySpan<RouteEntry> InPrecedenceOrder()
    {
        if (_many is not null)
        {
            _many.Sort(RoutePrecedence.Instance);
            return CollectionsMarshal.AsSpan(_many);
        }

        for (var i = 1; i < _single.Length; i++)
        {
            if (RoutePrecedence.Instance.Compare(_single[i - 1], _single[i]) > 0)
            {
                return _single.Sort(RoutePrecedence.Instance).AsSpan();
            }
        }

        return _single.IsDefault ? [] : _single.AsSpan();
    }
}
