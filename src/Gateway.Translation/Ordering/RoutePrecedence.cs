// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Gateway.Translation.Listeners;

namespace Gateway.Translation.Ordering;

/// <summary>
/// Gateway API precedence among the routes of one hostname (hostname specificity is handled by the
/// VirtualHost order): Exact path, then RegularExpression, then the longest PathPrefix; a method match;
/// more header matches; more query matches; the oldest route; namespace/name; rule and match order.
/// Where a regular expression sits is left to implementations; we put it between Exact and PathPrefix.
/// GRPCRoute entries among themselves follow the GRPCRoute rules instead: characters of service, of method, header matches.
/// </summary>
internal sealed class RoutePrecedence : IComparer<RouteEntry>
{
    public static readonly RoutePrecedence Instance = new();

    public int Compare(RouteEntry? x, RouteEntry? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? 1 : -1;
        }

        var a = x.Route.Match;
        var b = y.Route.Match;
        int c;
        if (x.Grpc is { } gx && y.Grpc is { } gy)
        {
            // GRPCRoute: the longer service, then the longer method, then more header matches.
            if ((c = gy.Service.CompareTo(gx.Service)) != 0 || (c = gy.Method.CompareTo(gx.Method)) != 0
                || (c = b.Headers.Length.CompareTo(a.Headers.Length)) != 0)
            {
                return c;
            }

            return Tiebreak(x, y);
        }

        if ((c = PathRank(a.Path).CompareTo(PathRank(b.Path))) != 0)
        {
            return c;
        }

        if ((c = b.Path.Value.Length.CompareTo(a.Path.Value.Length)) != 0)
        {
            return c;
        }

        if ((c = (b.Method is not null).CompareTo(a.Method is not null)) != 0)
        {
            return c;
        }

        if ((c = b.Headers.Length.CompareTo(a.Headers.Length)) != 0)
        {
            return c;
        }

        if ((c = b.QueryParams.Length.CompareTo(a.QueryParams.Length)) != 0)
        {
            return c;
        }

        return Tiebreak(x, y);
    }

    /// <summary>The oldest route, then namespace/name, then rule and match order.</summary>
    private static int Tiebreak(RouteEntry x, RouteEntry y)
    {
        int c;
        if ((c = x.Created.CompareTo(y.Created)) != 0)
        {
            return c;
        }

        if ((c = string.CompareOrdinal(x.Namespace, y.Namespace)) != 0)
        {
            return c;
        }

        if ((c = string.CompareOrdinal(x.Name, y.Name)) != 0)
        {
            return c;
        }

        return (c = x.RuleIndex.CompareTo(y.RuleIndex)) != 0 ? c : x.MatchIndex.CompareTo(y.MatchIndex);
    }

    private static int PathRank(PathMatch path) => path.Type switch
    {
        PathMatchType.Exact => 0,
        PathMatchType.RegularExpression => 1,
        _ => 2,
    };
}
