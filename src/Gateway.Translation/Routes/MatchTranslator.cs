// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.GatewayApi;
using Gateway.Snapshot;

namespace Gateway.Translation.Routes;

internal static class MatchTranslator
{
    public static RouteMatch Translate(HTTPRouteMatch match, List<string> problems)
    {
        var path = match.Path is null
            ? PathMatch.Everything
            : new PathMatch(PathType(match.Path.Type, problems), match.Path.Value ?? "/");
        if (path.Type == PathMatchType.RegularExpression && RegexValidation.Problem(path.Value) is { } pathProblem)
        {
            problems.Add(pathProblem);
        }
        else if (path.Type != PathMatchType.RegularExpression && !path.Value.StartsWith('/'))
        {
            problems.Add($"Path \"{path.Value}\" must start with '/'.");
        }

        return new RouteMatch
        {
            Path = path,
            Method = match.Method,
            Headers = [.. match.Headers.Select(h => Value(h, problems))],
            QueryParams = [.. match.QueryParams.Select(q => Value(q, problems))],
        };
    }

    private static PathMatchType PathType(string? type, List<string> problems)
    {
        switch (type ?? "PathPrefix")
        {
            case "Exact": return PathMatchType.Exact;
            case "PathPrefix": return PathMatchType.PathPrefix;
            case "RegularExpression": return PathMatchType.RegularExpression;
            default:
                problems.Add($"Path match type {type} is not supported.");
                return PathMatchType.PathPrefix;
        }
    }

    public static ValueMatch Value(HTTPHeaderMatch match, List<string> problems)
    {
        var type = (match.Type ?? "Exact") switch
        {
            "Exact" => ValueMatchType.Exact,
            "RegularExpression" => ValueMatchType.RegularExpression,
            var other => Unsupported(other),
        };
        if (type == ValueMatchType.RegularExpression && RegexValidation.Problem(match.Value) is { } problem)
        {
            problems.Add(problem);
        }

        return new ValueMatch(match.Name, type, match.Value);

        ValueMatchType Unsupported(string other)
        {
            problems.Add($"Match type {other} is not supported.");
            return ValueMatchType.Exact;
        }
    }
}
