// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Net;
using System.Security.Authentication;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Matching;

/// <summary>A request to explain: what `gateway explain` was given.</summary>
/// <param name="LocalAddress">The address the connection arrives at; null: the URL's host when it is an address, else the one address that binds the port.</param>
public sealed record ExplainRequest(string Method, Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers, IPAddress? LocalAddress = null);

/// <summary>What the proxy would do with a request, and why it passed over the routes it tried first.</summary>
/// <param name="Problem">Why no listener took the request (the proxy would refuse or reset the connection), else null.</param>
/// <param name="Misdirected">TLS: the SNI name chose another listener than the Host header does; the proxy answers 421.</param>
/// <param name="Tried">Every route the proxy tried before the one it took (all of them when none matched), in order.</param>
public sealed record RouteExplanation(
    string? Problem, Listener? Listener, bool Misdirected, string? VirtualHost, Route? Route, ImmutableArray<RouteMiss> Tried);

/// <summary>A route the request did not match, under the virtual host it was tried in, with the first condition it failed.</summary>
public sealed record RouteMiss(string VirtualHost, Route Route, string FailedCondition);

/// <summary>
/// Runs a described request through the proxy's own route table (<see cref="RouteTable.Match"/>, the same code a
/// request takes), then walks the routes it tried to say why each did not match. Off the request path: it allocates.
/// </summary>
public static class RouteExplainer
{
    public static RouteExplanation Explain(ProxySnapshot snapshot, ExplainRequest request)
    {
        var url = request.Url;
        if (LocalAddress(snapshot, request) is not { } local)
        {
            var addresses = snapshot.Listeners.Where(l => l.Port == url.Port).Select(l => l.Address).Distinct().Order(StringComparer.Ordinal).ToList();
            return Nothing(addresses.Count == 0
                ? $"no listener binds port {url.Port}: the connection is refused"
                : $"listeners on port {url.Port} bind several addresses ({string.Join(", ", addresses)}): name the one the connection arrives at");
        }

        var context = Context(request, local);
        var table = new RouteTable(snapshot, null);
        var (listener, route, misdirected) = table.Match(context);
        if (listener is null)
        {
            return Nothing(table.Listeners(local, url.Port) is null
                ? $"no listener binds {local}:{url.Port}: the connection is refused"
                : $"no listener on {local}:{url.Port} covers host {context.Request.Host.Host}: the proxy answers 404");
        }

        if (misdirected)
        {
            return new RouteExplanation(null, listener.Listener, true, null, null, []);
        }

        var tried = ImmutableArray.CreateBuilder<RouteMiss>();
        foreach (var (hostname, routes) in listener.HostsInMatchOrder(RouteTable.HostName(context.Request.Host.Value).ToString()))
        {
            foreach (var candidate in routes)
            {
                if (candidate == route)
                {
                    return new RouteExplanation(null, listener.Listener, false, hostname, route.Route, tried.ToImmutable());
                }

                var failure = candidate.Match.FirstFailure(context.Request);
                if (failure.Condition == MatchCondition.None)
                {
                    throw new InvalidOperationException($"explain disagrees with the route table: {candidate.Route.Id} matches but the table chose {route?.Route.Id ?? "none"}");
                }

                tried.Add(new RouteMiss(hostname, candidate.Route, Describe(candidate.Route.Match, failure, context.Request)));
            }
        }

        return route is null
            ? new RouteExplanation(null, listener.Listener, false, null, null, tried.ToImmutable())
            : throw new InvalidOperationException($"explain did not find {route.Route.Id}, which the route table chose");
    }

    private static RouteExplanation Nothing(string problem) => new(problem, null, false, null, null, []);

    private static IPAddress? LocalAddress(ProxySnapshot snapshot, ExplainRequest request)
    {
        if (request.LocalAddress is { } given)
        {
            return given;
        }

        if (IPAddress.TryParse(request.Url.IdnHost, out var literal))
        {
            return literal;
        }

        var addresses = snapshot.Listeners.Where(l => l.Port == request.Url.Port).Select(l => l.Address).Distinct().ToList();
        return addresses.Count == 1 && IPAddress.TryParse(addresses[0], out var only) ? only : null;
    }

    /// <summary>The request as Kestrel would hand it to the proxy: Host from the URL unless a Host header is given, SNI from the URL.</summary>
    private static DefaultHttpContext Context(ExplainRequest request, IPAddress local)
    {
        var url = request.Url;
        var context = new DefaultHttpContext();
        context.Connection.LocalIpAddress = local;
        context.Connection.LocalPort = url.Port;
        var http = context.Request;
        http.Method = request.Method;
        http.Scheme = url.Scheme;
        http.Host = HostString.FromUriComponent(url);
        http.Path = PathString.FromUriComponent(url);
        http.QueryString = QueryString.FromUriComponent(url);
        foreach (var (name, value) in request.Headers)
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                http.Host = new HostString(value);
            }
            else
            {
                http.Headers.Append(name, value);
            }
        }

        if (url.Scheme == Uri.UriSchemeHttps && url.HostNameType == UriHostNameType.Dns)
        {
            context.Features.Set<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>(new ServerName(url.IdnHost));
        }

        return context;
    }

    private static string Describe(RouteMatch match, MatchFailure failure, HttpRequest request) => failure.Condition switch
    {
        MatchCondition.Path => $"path {request.Path.Value} is not {PathWanted(match.Path)}",
        MatchCondition.Method => $"method {request.Method} is not {match.Method}",
        MatchCondition.Header => ValueMiss("header", match.Headers[failure.Index], request.Headers.TryGetValue(match.Headers[failure.Index].Name, out var value) ? value.ToString() : null),
        _ => ValueMiss("query parameter", match.QueryParams[failure.Index], QueryValue(request, match.QueryParams[failure.Index].Name)),
    };

    private static string PathWanted(PathMatch path) => path.Type switch
    {
        PathMatchType.Exact => $"exactly {path.Value}",
        PathMatchType.PathPrefix => $"under prefix {path.Value}",
        _ => $"matched by regular expression {path.Value}",
    };

    private static string ValueMiss(string what, ValueMatch wanted, string? actual) =>
        $"{what} {wanted.Name} is {(actual is null ? "missing" : $"\"{actual}\"")}, wants "
        + (wanted.Type == ValueMatchType.Exact ? $"\"{wanted.Value}\"" : $"a match of /{wanted.Value}/");

    /// <summary>For the message only: the proxy's own (case-sensitive) reading decided the match.</summary>
    private static string? QueryValue(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) ? values.ToString() : null;

    // Only HostName is read; the interface still declares the obsolete cipher properties, so they must be implemented.
#pragma warning disable SYSLIB0058
    private sealed class ServerName(string hostName) : Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature
    {
        public string HostName => hostName;
        public SslProtocols Protocol => SslProtocols.None;
        public CipherAlgorithmType CipherAlgorithm => default;
        public int CipherStrength => 0;
        public HashAlgorithmType HashAlgorithm => default;
        public int HashStrength => 0;
        public ExchangeAlgorithmType KeyExchangeAlgorithm => default;
        public int KeyExchangeStrength => 0;
    }
#pragma warning restore SYSLIB0058
}
