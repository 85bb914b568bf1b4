// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Gateway.Model.GatewayApi;
using Gateway.Snapshot;
using Gateway.Translation.Backends;
using Gateway.Translation.Listeners;
using Gateway.Translation.Naming;

namespace Gateway.Translation.Routes;

/// <summary>
/// Turns one GRPCRoute into snapshot routes: one per (rule, match). A gRPC call is a POST to /{service}/{method}, so a
/// method match becomes a path match; backends are spoken to over h2c unless their appProtocol says otherwise.
/// </summary>
internal sealed partial class GRPCRouteTranslator : RouteKind<V1GRPCRoute>
{
    public const string KindName = "GRPCRoute";

    public static readonly GRPCRouteTranslator Instance = new();

    private static readonly HashSet<string> _filterTypes = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror"];

    public override string Kind => KindName;

    public override ImmutableArray<ParentReference> ParentRefs(V1GRPCRoute route) => route.Spec.ParentRefs;

    public override ImmutableArray<string> Hostnames(V1GRPCRoute route) => route.Spec.Hostnames;

    public override RouteVerdict Translate(V1GRPCRoute route, BackendResolver backends)
    {
        var ns = route.Metadata.Namespace ?? "";
        var name = route.Metadata.Name;
        var created = route.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
        var filters = new FilterTranslator(backends, KindName, ns, BackendProtocol.H2c);
        var entries = ImmutableArray.CreateBuilder<RouteEntry>();
        for (var ruleIndex = 0; ruleIndex < route.Spec.Rules.Length; ruleIndex++)
        {
            var rule = route.Spec.Rules[ruleIndex];
            RejectNonGrpcFilters(rule.Filters, filters.Problems);
            foreach (var backend in rule.BackendRefs.IsDefault ? [] : rule.BackendRefs)
            {
                RejectNonGrpcFilters(backend.Filters, filters.Problems);
            }

            var ruleFilters = filters.Translate(rule.Filters, out _);
            var action = BackendRefTranslator.Forward(rule.BackendRefs, backends, filters, KindName, ns, BackendProtocol.H2c);
            var matches = rule.Matches.IsDefaultOrEmpty ? [new GRPCRouteMatch()] : rule.Matches;
            for (var matchIndex = 0; matchIndex < matches.Length; matchIndex++)
            {
                var match = matches[matchIndex];
                var snapshotRoute = new Snapshot.Route
                {
                    Id = Ids.Route(KindName, ns, name, ruleIndex, matchIndex),
                    Owner = Ids.RouteOwner(KindName, ns, name),
                    Match = new RouteMatch
                    {
                        Path = MethodPath(match.Method, filters.Problems),
                        Headers = [.. match.Headers.Select(h => MatchTranslator.Value(h, filters.Problems))],
                    },
                    Filters = ruleFilters,
                    Action = action,
                };
                var rank = new GrpcRank(match.Method?.Service?.Length ?? 0, match.Method?.Method?.Length ?? 0);
                entries.Add(new RouteEntry(snapshotRoute, created, ns, name, ruleIndex, matchIndex, rank));
            }
        }

        return RouteVerdict.Of(entries, filters);
    }

    /// <summary>
    /// The path a method match stands for: exact when service and method are both exact, else a regular expression
    /// over the two path segments (an omitted one matches any segment).
    /// </summary>
    private static PathMatch MethodPath(GRPCMethodMatch? method, List<string> problems)
    {
        if (method is null)
        {
            return PathMatch.Everything;
        }

        if (method.Service is null && method.Method is null)
        {
            problems.Add("A method match must name a service, a method or both.");
            return PathMatch.Everything;
        }

        switch (method.Type ?? "Exact")
        {
            case "Exact":
                if (method.Service is { } service && !ServiceName().IsMatch(service))
                {
                    problems.Add($"Service \"{service}\" is not a valid gRPC service name.");
                }

                if (method.Method is { } name && !MethodName().IsMatch(name))
                {
                    problems.Add($"Method \"{name}\" is not a valid gRPC method name.");
                }

                return method is { Service: { } s, Method: { } m }
                    ? new PathMatch(PathMatchType.Exact, $"/{s}/{m}")
                    : new PathMatch(PathMatchType.RegularExpression, $"/{Segment(method.Service, Regex.Escape)}/{Segment(method.Method, Regex.Escape)}");
            case "RegularExpression":
                var pattern = $"/{Segment(method.Service, Group)}/{Segment(method.Method, Group)}";
                if (RegexValidation.Problem(pattern) is { } problem)
                {
                    problems.Add(problem);
                }

                return new PathMatch(PathMatchType.RegularExpression, pattern);
            default:
                problems.Add($"Method match type {method.Type} is not supported.");
                return PathMatch.Everything;
        }
    }

    private static string Segment(string? value, Func<string, string> pattern) => value is null ? "[^/]+" : pattern(value);

    private static string Group(string pattern) => $"(?:{pattern})";

    private static void RejectNonGrpcFilters(ImmutableArray<HTTPRouteFilter> filters, List<string> problems)
    {
        foreach (var filter in filters.IsDefault ? [] : filters)
        {
            if (!_filterTypes.Contains(filter.Type))
            {
                problems.Add($"Filter type {filter.Type} is not supported.");
            }
        }
    }

    [GeneratedRegex(@"^\.?[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$")]
    private static partial Regex ServiceName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z_0-9]*$")]
    private static partial Regex MethodName();
}
