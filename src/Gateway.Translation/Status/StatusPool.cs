// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;

namespace Gateway.Translation.Status;

/// <summary>
/// Hands back one instance for equal route statuses and their parts. Most routes of a Gateway carry the very same
/// conditions, parent reference and controller name, so at 10,000 routes keeping each one's own copies (twice: as
/// translated and as stamped) was about 800 bytes per route. Values only: an interned status equals the one handed
/// in, so output does not change. A pool is a cache, emptied when it grows past a bound (per-route messages would
/// otherwise accumulate). Not thread-safe: one owner at a time.
/// </summary>
public sealed class StatusPool
{
    private const int MaxEntries = 4096;

    private readonly Dictionary<Condition, Condition> _conditions = [];
    private readonly Dictionary<ImmutableArray<Condition>, ImmutableArray<Condition>> _conditionLists = new(Sequence<Condition>.Comparer);
    private readonly Dictionary<ParentReference, ParentReference> _parentRefs = [];
    private readonly Dictionary<RouteParentStatus, RouteParentStatus> _parents = [];
    private readonly Dictionary<ImmutableArray<RouteParentStatus>, ImmutableArray<RouteParentStatus>> _parentLists = new(Sequence<RouteParentStatus>.Comparer);
    private readonly Dictionary<RouteStatus, RouteStatus> _routes = [];

    /// <summary>The pooled instance equal to <paramref name="status"/>.</summary>
    public RouteStatus Route(RouteStatus status)
    {
        var parents = status.Parents.ToBuilder();
        for (var i = 0; i < parents.Count; i++)
        {
            parents[i] = Parent(parents[i]);
        }

        var list = Intern(_parentLists, parents.MoveToImmutable());
        return Intern(_routes, list == status.Parents ? status : status with { Parents = list });
    }

    /// <summary>The pooled instance equal to <paramref name="conditions"/>, made of pooled conditions.</summary>
    public ImmutableArray<Condition> Conditions(ImmutableArray<Condition> conditions)
    {
        var pooled = conditions.ToBuilder();
        for (var i = 0; i < pooled.Count; i++)
        {
            pooled[i] = Intern(_conditions, pooled[i]);
        }

        return Intern(_conditionLists, pooled.MoveToImmutable());
    }

    private RouteParentStatus Parent(RouteParentStatus parent)
    {
        var parentRef = Intern(_parentRefs, parent.ParentRef);
        var conditions = Conditions(parent.Conditions);
        return Intern(_parents, ReferenceEquals(parentRef, parent.ParentRef) && conditions == parent.Conditions
            ? parent
            : parent with { ParentRef = parentRef, Conditions = conditions });
    }

    private static T Intern<T>(Dictionary<T, T> pool, T value)
        where T : notnull
    {
        if (pool.TryGetValue(value, out var known))
        {
            return known;
        }

        if (pool.Count >= MaxEntries)
        {
            pool.Clear();
        }

        pool[value] = value;
        return value;
    }

    /// <summary>Arrays compared by their elements (ImmutableArray's own equality is by reference).</summary>
    private sealed class Sequence<T> : IEqualityComparer<ImmutableArray<T>>
    {
        public static readonly Sequence<T> Comparer = new();

        public bool Equals(ImmutableArray<T> x, ImmutableArray<T> y) =>
            x.IsDefault || y.IsDefault ? x.IsDefault == y.IsDefault : x.AsSpan().SequenceEqual(y.AsSpan());

        public int GetHashCode(ImmutableArray<T> array)
        {
            var hash = new HashCode();
            foreach (var item in array.IsDefault ? [] : array)
            {
                hash.Add(item);
            }

            return hash.ToHashCode();
        }
    }
}
