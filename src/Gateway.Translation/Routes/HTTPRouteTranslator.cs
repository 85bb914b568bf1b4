// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Snapshot;
using Gateway.Translation.Backends;
using Gateway.Translation.Listeners;
using Gateway.Translation.Naming;

namespace Gateway.Translation.Routes;

/// <summary>Turns one HTTPRoute into snapshot routes: one per (rule, match).</summary>
internal sealed class HTTPRouteTranslator : RouteKind<V1HTTPRoute>
{
    public const string KindName = "HTTPRoute";

    public static readonly HTTPRouteTranslator Instance = new();

    public override string Kind => KindName;

    public override ImmutableArray<ParentReference> ParentRefs(V1HTTPRoute route) => route.Spec.ParentRefs;

    public override ImmutableArray<string> Hostnames(V1HTTPRoute route) => route.Spec.Hostnames;

    public override RouteVerdict Translate(V1HTTPRoute route, BackendResolver backends)
    {
        var ns = route.Metadata.Namespace ?? "";
        var name = route.Metadata.Name;
        var created = route.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
        var filters = new FilterTranslator(backends, KindName, ns);
        var entries = ImmutableArray.CreateBuilder<RouteEntry>();

        for (var ruleIndex = 0; ruleIndex < route.Spec.Rules.Length; ruleIndex++)
        {
            var rule = route.Spec.Rules[ruleIndex];
            var ruleFilters = filters.Translate(rule.Filters, out var redirect);
            var timeouts = TranslateTimeouts(rule.Timeouts, filters.Problems);
            var retry = TranslateRetry(rule.Retry, filters.Problems);
            RouteAction action = redirect ?? BackendRefTranslator.Forward(rule.BackendRefs, backends, filters, KindName, ns, BackendProtocol.Http1);
            var matches = rule.Matches.IsDefaultOrEmpty ? [new HTTPRouteMatch()] : rule.Matches;
            for (var matchIndex = 0; matchIndex < matches.Length; matchIndex++)
            {
                var snapshotRoute = new Snapshot.Route
                {
                    Id = Ids.Route(KindName, ns, name, ruleIndex, matchIndex),
                    Owner = Ids.RouteOwner(KindName, ns, name),
                    Match = MatchTranslator.Translate(matches[matchIndex], filters.Problems),
                    Filters = ruleFilters,
                    Action = action,
                    Timeouts = timeouts,
                    Retry = retry,
                };
                entries.Add(new RouteEntry(snapshotRoute, created, ns, name, ruleIndex, matchIndex));
            }
        }

        return RouteVerdict.Of(entries, filters);
    }

    private static RouteTimeouts? TranslateTimeouts(HTTPRouteTimeouts? timeouts, List<string> problems)
    {
        if (timeouts is null)
        {
            return null;
        }

        var request = Duration(timeouts.Request, "timeouts.request", problems);
        var backendRequest = Duration(timeouts.BackendRequest, "timeouts.backendRequest", problems);
        if (request is { } r && backendRequest is { } b && b > r)
        {
            problems.Add("timeouts.backendRequest must not be longer than timeouts.request.");
        }

        return new RouteTimeouts(request, backendRequest);
    }

    private static RouteRetry? TranslateRetry(HTTPRouteRetry? retry, List<string> problems)
    {
        if (retry is null)
        {
            return null;
        }

        var backoff = Duration(retry.Backoff, "retry.backoff", problems) ?? TimeSpan.FromMilliseconds(25);
        ImmutableArray<int> codes = retry.Codes.IsDefaultOrEmpty ? [502, 503, 504] : retry.Codes;
        return new RouteRetry(codes, retry.Attempts ?? 1, backoff);
    }

    /// <summary>A Gateway API duration; "0s" means "no limit" and comes back null.</summary>
    private static TimeSpan? Duration(string? text, string field, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, out var value))
        {
            return value == TimeSpan.Zero ? null : value;
        }

        problems.Add($"{field} \"{text}\" is not a valid duration.");
        return null;
    }
}
