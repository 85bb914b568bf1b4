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
    private Dictionary<string, (string Status, DateTimeOffset Since)> _previous = [];
    private Dictionary<ObjectStatus, Stamped> _byInput = new(ReferenceEqualityComparer.Instance);

    public ImmutableArray<ObjectStatus> Stamp(ImmutableArray<ObjectStatus> statuses)
    {
        var now = time.GetUtcNow();
        now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var next = new Dictionary<string, (string, DateTimeOffset)>();
        var nextByInput = new Dictionary<ObjectStatus, Stamped>(ReferenceEqualityComparer.Instance);
        var output = ImmutableArray.CreateBuilder<ObjectStatus>(statuses.Length);

        foreach (var input in statuses)
        {
            if (!_byInput.TryGetValue(input, out var stamped))
            {
                stamped = StampOne(input, now);
            }

            foreach (var (key, value) in stamped.Times)
            {
                next[key] = value;
            }

            nextByInput[input] = stamped;
            output.Add(stamped.Status);
        }

        _previous = next;
        _byInput = nextByInput;
        return output.MoveToImmutable();
    }

    private Stamped StampOne(ObjectStatus s, DateTimeOffset now)
    {
        var times = new List<(string, (string, DateTimeOffset))>();
        ImmutableArray<Condition> StampAll(string scope, ImmutableArray<Condition> conditions) =>
        [
            .. conditions.Select(c =>
            {
                var key = $"{scope}|{c.Type}";
                var since = _previous.TryGetValue(key, out var p) && p.Status == c.Status ? p.Since : now;
                times.Add((key, (c.Status, since)));
                return c with { LastTransitionTime = since };
            }),
        ];

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
            ProxyConfigStatus p => p with { Conditions = StampAll(scope, p.Conditions) },
            var other => other,
        };
        return new Stamped(s with { Status = status }, times);
    }

    private sealed record Stamped(ObjectStatus Status, List<(string Key, (string Status, DateTimeOffset Since) Value)> Times);
}
