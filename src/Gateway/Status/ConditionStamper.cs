// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Model.Meta;
using Gateway.Translation.Status;

namespace Gateway.Status;

/// <summary>
/// Gives conditions their lastTransitionTime: now when the condition's status flips or first appears,
/// the earlier time when it does not. The translator never sees the clock; this is where time enters status.
/// </summary>
public sealed class ConditionStamper(TimeProvider time)
{
    private Dictionary<string, (string Status, DateTimeOffset Since)> _previous = [];

    public ImmutableArray<ObjectStatus> Stamp(ImmutableArray<ObjectStatus> statuses)
    {
        var now = time.GetUtcNow();
        now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var next = new Dictionary<string, (string, DateTimeOffset)>();

        ImmutableArray<Condition> StampAll(string scope, ImmutableArray<Condition> conditions) =>
        [
            .. conditions.Select(c =>
            {
                var key = $"{scope}|{c.Type}";
                var since = _previous.TryGetValue(key, out var p) && p.Status == c.Status ? p.Since : now;
                next[key] = (c.Status, since);
                return c with { LastTransitionTime = since };
            }),
        ];

        var stamped = statuses.Select(s =>
        {
            var scope = $"{s.Kind}/{s.Namespace}/{s.Name}";
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
                var other => other,
            };
            return s with { Status = status };
        }).ToImmutableArray();

        _previous = next;
        return stamped;
    }
}
