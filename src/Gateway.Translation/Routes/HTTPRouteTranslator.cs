// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Snapshot;
using Gateway.Translation.Backends;
using Gateway.Translation.Listeners;
using Gateway.Translation.Naming;

namespace Gateway.Translation.Routes;

/// <summary>Turns one HTTPRoute into snapshot routes: one per (rule, match).</summary>
internal static class HTTPRouteTranslator
{
    public const string Kind = "HTTPRoute";

    public static RouteVerdict Translate(V1HTTPRoute route, BackendResolver backends)
    {
        var ns = route.Metadata.Namespace ?? "";
        var name = route.Metadata.Name;
        var created = route.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
        var problems = new List<string>();
        (string Reason, string Message)? unresolved = null;
        var entries = ImmutableArray.CreateBuilder<RouteEntry>();

        for (var ruleIndex = 0; ruleIndex < route.Spec.Rules.Length; ruleIndex++)
        {
            var rule = route.Spec.Rules[ruleIndex];
            var filters = FilterTranslator.Translate(rule.Filters, problems, out var redirect);
            var timeouts = TranslateTimeouts(rule.Timeouts, problems);
            RouteAction action = redirect ?? ForwardOrFail(rule, backends, ns, ref unresolved);
            var matches = rule.Matches.IsDefaultOrEmpty ? [new HTTPRouteMatch()] : rule.Matches;
            for (var matchIndex = 0; matchIndex < matches.Length; matchIndex++)
            {
                var match = MatchTranslator.Translate(matches[matchIndex], problems);
                var snapshotRoute = new Snapshot.Route
                {
                    Id = Ids.Route(Kind, ns, name, ruleIndex, matchIndex),
                    Owner = Ids.RouteOwner(Kind, ns, name),
                    Match = match,
                    Filters = filters,
                    Action = action,
                    Timeouts = timeouts,
                };
                entries.Add(new RouteEntry(snapshotRoute, created, ns, name, ruleIndex, matchIndex));
            }
        }

        return new RouteVerdict(
            problems.Count == 0 ? entries.ToImmutable() : [],
            problems.Count == 0 ? null : string.Join(" ", problems.Distinct()),
            unresolved?.Reason,
            unresolved?.Message);
    }

    private static RouteAction ForwardOrFail(HTTPRouteRule rule, BackendResolver backends, string ns, ref (string, string)? unresolved)
    {
        if (rule.BackendRefs.IsDefaultOrEmpty)
        {
            return new DirectResponseAction(500, "This route rule has no backends.");
        }

        var weighted = ImmutableArray.CreateBuilder<WeightedBackend>();
        foreach (var reference in rule.BackendRefs)
        {
            var (clusterId, reason, message) = backends.Resolve(reference, Kind, ns);
            if (clusterId is null)
            {
                unresolved ??= (reason!, message!);
            }

            var backendProblems = new List<string>();
            var backendFilters = FilterTranslator.Translate(reference.Filters, backendProblems, out _);
            weighted.Add(new WeightedBackend(clusterId, reference.Weight ?? 1) { Filters = backendFilters });
        }

        return new ForwardAction(weighted.ToImmutable());
    }

    private static RouteTimeouts? TranslateTimeouts(HTTPRouteTimeouts? timeouts, List<string> problems)
    {
        if (timeouts is null)
        {
            return null;
        }

        TimeSpan? Parse(string? text, string field)
        {
            if (text is null)
            {
                return null;
            }

            if (Durations.TryParse(text, out var value))
            {
                return value == TimeSpan.Zero ? null : value; // "0s" disables the timeout.
            }

            problems.Add($"timeouts.{field} \"{text}\" is not a valid duration.");
            return null;
        }

        return new RouteTimeouts(Parse(timeouts.Request, "request"), Parse(timeouts.BackendRequest, "backendRequest"));
    }
}
