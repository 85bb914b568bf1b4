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
    // Both maps are kept from one call to the next and swept, not rebuilt: at 10,000 routes a rebuild of
    // either costs more than the rest of stamping.
    private readonly Dictionary<string, Stamped> _byObject = new(StringComparer.Ordinal);
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
                var scope = Scope(input);
                stamped = StampOne(input, scope, _byObject.GetValueOrDefault(scope), now);
                _byObject[scope] = stamped;
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

    private static string Scope(ObjectStatus s) => $"{s.Kind}/{s.Namespace}/{s.Name}";

    private static Stamped StampOne(ObjectStatus s, string scope, Stamped? previous, DateTimeOffset now)
    {
        var times = new Dictionary<string, (string Status, DateTimeOffset Since)>(StringComparer.Ordinal);
        ImmutableArray<Condition> StampAll(string scope, ImmutableArray<Condition> conditions) =>
        [
            .. conditions.Select(c =>
            {
                var key = $"{scope}|{c.Type}";
                var since = previous is not null && previous.Times.TryGetValue(key, out var p) && p.Status == c.Status ? p.Since : now;
                times[key] = (c.Status, since);
                return c with { LastTransitionTime = since };
            }),
        ];

        object status = s.Status switch
        {
            GatewayClassStatus g => g with { Conditions = StampAll(scope, g.Conditions) },
            GatewayStatus g => g with
            {
                Conditions = StampAll(scope, g.Conditions),
                Listeners = [.. g.Listeners.Select(l => l with { Conditions = StampAll($"{scope}/listener/{l.Name}", l.Conditions) })],
            },
            RouteStatus r => r with
            {
                Parents = [.. r.Parents.Select(p => p with
                {
                    Conditions = StampAll($"{scope}/parent/{p.ParentRef.Namespace}/{p.ParentRef.Name}/{p.ParentRef.SectionName}/{p.ParentRef.Port}", p.Conditions),
                })],
            },
            // The data plane applied this snapshot just now: that is the last sync.
            ProxyConfigStatus p => p with { Conditions = StampAll(scope, p.Conditions), LastSyncTime = now },
            var other => other,
        };
        return new Stamped(s with { Status = status }, times);
    }

    /// <summary>One stamped status, the transition times of its conditions, and the last call that handed it in.</summary>
    private sealed class Stamped(ObjectStatus status, Dictionary<string, (string Status, DateTimeOffset Since)> times)
    {
        public ObjectStatus Status { get; } = status;
        public Dictionary<string, (string Status, DateTimeOffset Since)> Times { get; } = times;
        public long Round { get; set; }
    }
}
