// SPDX-License-Identifier: Apache-2.0
using Gateway.Proxy.Matching;
using Gateway.Snapshot;
using Route = Gateway.Snapshot.Route;

namespace Gateway.Cli.Explain;

/// <summary>An explanation in words: one "what: which" line per step, then the routes passed over and why.</summary>
internal static class ExplainOutput
{
    public static IEnumerable<string> Lines(ExplainRequest request, RouteExplanation explanation, ProxySnapshot snapshot)
    {
        yield return $"request:  {request.Method} {request.Url}" + string.Concat(request.Headers.Select(h => $" [{h.Key}: {h.Value}]"));
        if (explanation.Problem is { } problem)
        {
            yield return $"listener: none: {problem}";
            yield break;
        }

        yield return $"listener: {Listener(explanation.Listener!)}";
        if (explanation.Misdirected)
        {
            yield return "route:    none: the TLS name (SNI) chose another listener than the Host header: the proxy answers 421";
            yield break;
        }

        if (explanation.Route is { } route)
        {
            yield return $"host:     {explanation.VirtualHost}";
            yield return $"route:    {RouteName(route)} ({Conditions(route.Match)})";
            foreach (var line in Action(route.Action, snapshot))
            {
                yield return line;
            }
        }
        else
        {
            yield return "route:    none matches: the proxy answers 404";
        }

        if (explanation.Tried.Length > 0)
        {
            yield return explanation.Route is null ? "not matched:" : "tried first:";
            foreach (var miss in explanation.Tried)
            {
                yield return $"  {RouteName(miss.Route)} (host {miss.VirtualHost}): {miss.FailedCondition}";
            }
        }
    }

    /// <summary>"Gateway default/demo, listener http (HTTP on 0.0.0.0:8080, any hostname)", from the listener id.</summary>
    public static string Listener(Listener listener)
    {
        var id = listener.Id.Split('/');
        return $"Gateway {listener.Gateway}, listener {id[^1]} ({listener.Protocol.ToString().ToUpperInvariant()} on {listener.Address}:{listener.Port}, "
            + (listener.Hostname is { } hostname ? $"hostname {hostname})" : "any hostname)");
    }

    /// <summary>"HTTPRoute default/hello, rule 0, match 0", from the route's owner and id.</summary>
    public static string RouteName(Route route)
    {
        var owner = route.Owner.Split('/', 2);
        var id = route.Id.Split('/');
        return $"{owner[0]} {owner[^1]}, rule {id[^3]}, match {id[^1]}";
    }

    private static string Conditions(RouteMatch match)
    {
        var conditions = new List<string>
        {
            match.Path.Type switch
            {
                PathMatchType.Exact => $"path exactly {match.Path.Value}",
                PathMatchType.PathPrefix => $"path prefix {match.Path.Value}",
                _ => $"path regex {match.Path.Value}",
            },
        };
        if (match.Method is { } method)
        {
            conditions.Add($"method {method}");
        }

        conditions.AddRange(match.Headers.Select(h => $"header {h.Name} {Value(h)}"));
        conditions.AddRange(match.QueryParams.Select(q => $"query {q.Name} {Value(q)}"));
        return string.Join(", ", conditions);
    }

    private static string Value(ValueMatch match) => match.Type == ValueMatchType.Exact ? $"= \"{match.Value}\"" : $"~ /{match.Value}/";

    private static IEnumerable<string> Action(RouteAction action, ProxySnapshot snapshot)
    {
        switch (action)
        {
            case RedirectAction redirect:
                yield return $"answer:   redirect {redirect.StatusCode}"
                    + (redirect.Scheme is { } scheme ? $" scheme {scheme}" : "") + (redirect.Hostname is { } host ? $" host {host}" : "")
                    + (redirect.Port is { } port ? $" port {port}" : "") + (redirect.Path is { } path ? $" path {path.Type} {path.Value}" : "");
                break;
            case DirectResponseAction direct:
                yield return $"answer:   {direct.StatusCode} from the gateway itself";
                break;
            case ForwardAction forward:
                var total = forward.Backends.Sum(b => b.Weight);
                foreach (var backend in forward.Backends)
                {
                    yield return $"backend:  {Backend(backend, snapshot, $"weight {backend.Weight}" + (forward.Backends.Length > 1 ? $" of {total}" : ""))}";
                }

                if (forward.Backends.IsEmpty)
                {
                    yield return "backend:  none: the proxy answers 500";
                }

                break;
        }
    }

    private static string Backend(WeightedBackend backend, ProxySnapshot snapshot, string weight)
    {
        if (backend.ClusterId is not { } clusterId)
        {
            return $"invalid (see the route's ResolvedRefs condition), {weight}: its share answers 500";
        }

        // cluster/{namespace}/{service}/{port}[/{protocol}]
        var id = clusterId.Split('/');
        var name = $"Service {id[1]}/{id[2]} port {id[3]}" + (id.Length > 4 ? $" ({id[4]})" : "");
        var endpoints = snapshot.Clusters.FirstOrDefault(c => c.Id == clusterId)?.Endpoints ?? [];
        return $"{name}, {weight} -> " + (endpoints.IsEmpty ? "no ready endpoints (503)" : "endpoints " + string.Join(", ", endpoints.Select(e => $"{e.Address}:{e.Port}")));
    }
}
