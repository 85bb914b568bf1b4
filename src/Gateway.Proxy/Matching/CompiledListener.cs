// SPDX-License-Identifier: Apache-2.0
using Gateway.Proxy.Diagnostics;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Matching;

/// <summary>
/// One listener's routes by hostname. A request tries the exact hostname's routes first, then each wildcard
/// that covers it (longest first), then the catch-all: this is the hostname step of Gateway API precedence. The request
/// host is a span of the Host header (no port), so matching allocates nothing.
/// </summary>
internal sealed class CompiledListener
{
    private readonly Dictionary<string, CompiledRoute[]> _exact;
    private readonly Dictionary<string, CompiledRoute[]>.AlternateLookup<ReadOnlySpan<char>> _exactBySpan;
    private readonly List<(string Suffix, CompiledRoute[] Routes)> _wildcards = [];
    private readonly CompiledRoute[] _any = [];

    /// <param name="compile">Compiles a hostname's routes, or hands back what was compiled for an earlier table.</param>
    public CompiledListener(Listener listener, Func<VirtualHost, CompiledRoute[]> compile)
    {
        Listener = listener;
        _exact = new Dictionary<string, CompiledRoute[]>(listener.VirtualHosts.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var host in listener.VirtualHosts)
        {
            var routes = compile(host);
            if (host.Hostname == "*")
            {
                _any = routes;
            }
            else if (host.Hostname.StartsWith("*.", StringComparison.Ordinal))
            {
                _wildcards.Add((host.Hostname[1..], routes));
            }
            else
            {
                _exact[host.Hostname] = routes;
            }
        }

        _wildcards.Sort((a, b) => b.Suffix.Length.CompareTo(a.Suffix.Length));
        _exactBySpan = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        Labels = new RequestLabels(listener.Gateway, listener.RouteLabels ? "none" : null);
    }

    public Listener Listener { get; }

    /// <summary>Metric labels of a request this listener took that matched no route.</summary>
    public RequestLabels Labels { get; }

    /// <summary>The metric labels of a request this listener took: by Gateway, and by route if the listener asks for it.</summary>
    public RequestLabels LabelsFor(CompiledRoute? route) =>
        route is not null && Listener.RouteLabels ? route.LabelsFor(Listener.Gateway) : Labels;

    public CompiledRoute? Match(ReadOnlySpan<char> host, HttpRequest request)
    {
        if (_exactBySpan.TryGetValue(host, out var exact) && First(exact, request) is { } byExact)
        {
            return byExact;
        }

        foreach (var (suffix, routes) in _wildcards)
        {
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && First(routes, request) is { } byWildcard)
            {
                return byWildcard;
            }
        }

        return First(_any, request);
    }

    /// <summary>
    /// The hostnames whose routes <see cref="Match"/> tries for this host, in the order it tries them, with their routes:
    /// for `gateway explain`, off the request path (it allocates).
    /// </summary>
    internal List<(string Hostname, CompiledRoute[] Routes)> HostsInMatchOrder(string host)
    {
        var hosts = new List<(string, CompiledRoute[])>();
        if (_exact.TryGetValue(host, out var exact))
        {
            hosts.Add((host.ToLowerInvariant(), exact));
        }

        foreach (var (suffix, routes) in _wildcards)
        {
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                hosts.Add(("*" + suffix, routes));
            }
        }

        hosts.Add(("*", _any));
        return hosts;
    }

    /// <summary>How well the listener's own hostname covers the request host; -1 when it does not.</summary>
    public int Specificity(ReadOnlySpan<char> host)
    {
        var hostname = Listener.Hostname;
        if (hostname is null)
        {
            return 0;
        }

        if (hostname.StartsWith("*.", StringComparison.Ordinal))
        {
            return host.Length > hostname.Length - 1 && host.EndsWith(hostname.AsSpan(1), StringComparison.OrdinalIgnoreCase) ? hostname.Length : -1;
        }

        return host.Equals(hostname, StringComparison.OrdinalIgnoreCase) ? int.MaxValue : -1;
    }

    private static CompiledRoute? First(CompiledRoute[] routes, HttpRequest request)
    {
        foreach (var route in routes)
        {
            if (route.Match.Matches(request))
            {
                return route;
            }
        }

        return null;
    }
}
