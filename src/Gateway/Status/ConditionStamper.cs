// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Gateway.Model.Extensions;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Status;

namespace Gateway.Status;

/// <summary>
/// Gives conditions their lastTransitionTime: now when the condition's status flips or first appears,
/// the earlier time when it does not. The translator never sees the clock; this is where time enters status.
/// A status the translator handed back unchanged (the same instance, from its cache) keeps its stamped form.
/// </summary>
public sealed class ConditionStamper(TimeProvider time)
{
    // One map, kept from one call to the next and swept, not rebuilt: at 10,000 routes a rebuild costs more than the
    // rest of stamping. Each entry keeps the status as handed in (to know it again by reference) and as stamped (where
    // the earlier times are read from); the stamped route statuses are pooled, so routes whose conditions changed in
    // the same second share them.
    private readonly Dictionary<(string Kind, string? Namespace, string Name), Stamped> _byObject = [];
    private readonly StatusPool _pool = new();
    private Stamped[] _last = [];
    private long _round;

    public ImmutableArray<ObjectStatus> Stamp(ImmutableArray<ObjectStatus> statuses)
    {
        var now = time.GetUtcNow();
        now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var round = ++_round;
        var output = ImmutableArray.CreateBuilder<ObjectStatus>(statuses.Length);
        var order = new Stamped[statuses.Length];
        var added = false;
        var expected = 0; // Statuses come in the same order every call: walk the last call's order, hashing only where it differs.
        for (var i = 0; i < statuses.Length; i++)
        {
            var input = statuses[i];
            var stamped = expected < _last.Length && ReferenceEquals(_last[expected].Input, input) ? _last[expected] : null;
            if (stamped is null)
            {
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_byObject, (input.Kind, input.Namespace, input.Name), out _);
                if (slot is null || !ReferenceEquals(slot.Input, input))
                {
                    slot = new Stamped(input, StampOne(input, slot?.Status.Status, now, _pool)) { Position = -1 };
                    added = true;
                }

                stamped = slot;
            }

            if (stamped.Position >= 0)
            {
                expected = stamped.Position + 1;
            }

            stamped.Position = i;
            stamped.Round = round;
            order[i] = stamped;
            output.Add(stamped.Status);
        }

        _last = order;

        if (added || _byObject.Count != statuses.Length)
        {
            Sweep(_byObject, round);
        }

        return output.MoveToImmutable();
    }

    /// <summary>Forgets what the last call did not hand in, so an object that comes back starts afresh.</summary>
    private static void Sweep<TKey>(Dictionary<TKey, Stamped> map, long round)
        where TKey : notnull
    {
        foreach (var (key, stamped) in map)
        {
            if (stamped.Round != round)
            {
                map.Remove(key);
            }
        }
    }

    private static ObjectStatus StampOne(ObjectStatus s, object? previous, DateTimeOffset now, StatusPool pool)
    {
        ImmutableArray<Condition> StampAll(ImmutableArray<Condition> conditions, ImmutableArray<Condition>? before) =>
        [
            .. conditions.Select(c => c with
            {
                LastTransitionTime = (before ?? []).FirstOrDefault(p => p.Type == c.Type && p.Status == c.Status)?.LastTransitionTime ?? now,
            }),
        ];

        object status = s.Status switch
        {
            GatewayClassStatus g => g with { Conditions = StampAll(g.Conditions, (previous as GatewayClassStatus)?.Conditions) },
            GatewayStatus g => g with
            {
                Conditions = StampAll(g.Conditions, (previous as GatewayStatus)?.Conditions),
                Listeners =
                [
                    .. g.Listeners.Select(l => l with
                    {
                        Conditions = StampAll(l.Conditions, (previous as GatewayStatus)?.Listeners.FirstOrDefault(p => p.Name == l.Name)?.Conditions),
                    }),
                ],
            },
            RouteStatus r => pool.Route(r with
            {
                Parents =
                [
                    .. r.Parents.Select(p => p with
                    {
                        Conditions = StampAll(p.Conditions, (previous as RouteStatus)?.Parents.FirstOrDefault(q => SameParent(q.ParentRef, p.ParentRef))?.Conditions),
                    }),
                ],
            }),
            ListenerSetStatus ls => ls with
            {
                Conditions = StampAll(ls.Conditions, (previous as ListenerSetStatus)?.Conditions),
                Listeners =
                [
                    .. ls.Listeners.Select(l => l with
                    {
                        Conditions = StampAll(l.Conditions, (previous as ListenerSetStatus)?.Listeners.FirstOrDefault(p => p.Name == l.Name)?.Conditions),
                    }),
                ],
            },
            ProxyConfigStatus p => p with { Conditions = StampAll(p.Conditions, (previous as ProxyConfigStatus)?.Conditions) },
            var other => other,
        };
        return s with { Status = status };
    }

    /// <summary>Kind too: a Gateway and a ListenerSet may share a namespace and name.</summary>
    private static bool SameParent(ParentReference a, ParentReference b) =>
        a.Kind == b.Kind && a.Namespace == b.Namespace && a.Name == b.Name && a.SectionName == b.SectionName && a.Port == b.Port;

    /// <summary>One status as handed in and as stamped, and the last call that handed it in.</summary>
    private sealed class Stamped(ObjectStatus input, ObjectStatus status)
    {
        public ObjectStatus Input { get; } = input;

        public ObjectStatus Status { get; } = status;
        public long Round { get; set; }

        /// <summary>Where it was in the last call's order; -1 until handed out.</summary>
        public int Position { get; set; }
    }
}
