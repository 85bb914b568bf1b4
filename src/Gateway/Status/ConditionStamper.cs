// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
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
    // Both maps are kept from one call to the next and swept, not rebuilt: at 10,000 routes a rebuild of either
    // costs more than the rest of stamping. The earlier times are read from the last stamped status itself.
    private readonly Dictionary<(string Kind, string? Namespace, string Name), Stamped> _byObject = [];
    private readonly Dictionary<ObjectStatus, Stamped> _byInput = new(ReferenceEqualityComparer.Instance);
    private long _round;

    public ImmutableArray<ObjectStatus> Stamp(ImmutableArray<ObjectStatus> statuses)
    {
        var now = time.GetUtcNow();
        now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var round = ++_round;
        var output = ImmutableArray.CreateBuilder<ObjectStatus>(statuses.Length);
        var added = false;
        foreach (var input in statuses)
        {
            if (!_byInput.TryGetValue(input, out var stamped))
            {
                var key = (input.Kind, input.Namespace, input.Name);
                stamped = new Stamped(StampOne(input, _byObject.GetValueOrDefault(key)?.Status.Status, now));
                _byObject[key] = stamped;
                _byInput[input] = stamped;
                added = true;
            }

            stamped.Round = round;
            output.Add(stamped.Status);
        }

        if (added || _byInput.Count != statuses.Length)
        {
            Sweep(_byInput, round);
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

    private static ObjectStatus StampOne(ObjectStatus s, object? previous, DateTimeOffset now)
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
            RouteStatus r => r with
            {
                Parents =
                [
                    .. r.Parents.Select(p => p with
                    {
                        Conditions = StampAll(p.Conditions, (previous as RouteStatus)?.Parents.FirstOrDefault(q => SameParent(q.ParentRef, p.ParentRef))?.Conditions),
                    }),
                ],
            },
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

    /// <summary>One stamped status and the last call that handed it in.</summary>
    private sealed class Stamped(ObjectStatus status)
    {
        public ObjectStatus Status { get; } = status;
        public long Round { get; set; }
    }
}
