// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using System.Net;
using System.Runtime.CompilerServices;
using Gateway.Proxy.Listeners;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Matching;

/// <summary>
/// Where a request is matched. Built off the hot path from one snapshot and swapped whole: the listeners
/// bound to the connection's local address and port, then the listener whose hostname best covers the
/// request host (listener isolation), then that listener's routes in precedence order.
/// </summary>
internal sealed class RouteTable
{
    public static readonly RouteTable Empty = new(ProxySnapshot.Empty, null);

    private readonly FrozenDictionary<(string Address, int Port), CompiledListener[]> _binds;

    // What has been compiled, attached to the snapshot objects it came from, so it lives exactly as long as they do.
    // The translator hands back the same VirtualHost (and Route) instances for what did not change; those are not
    // compiled again, and a one-route change at 10,000 routes compiles one route.
    private readonly ConditionalWeakTable<VirtualHost, CompiledRoute[]> _compiledHosts;
    private readonly ConditionalWeakTable<Route, CompiledRoute> _compiledRoutes;

    /// <param name="previous">The table being replaced: what it compiled is reused.</param>
    public RouteTable(ProxySnapshot snapshot, RouteTable? previous)
    {
        Snapshot = snapshot;
        _compiledHosts = previous?._compiledHosts ?? [];
        _compiledRoutes = previous?._compiledRoutes ?? [];
        _binds = snapshot.Listeners
            .GroupBy(l => (l.Address, l.Port))
            .ToFrozenDictionary(g => g.Key, g => g.Select(l => new CompiledListener(l, Compile)).ToArray());
    }

    private CompiledRoute[] Compile(VirtualHost host) => _compiledHosts.GetValue(host, h =>
    {
        var routes = new CompiledRoute[h.Routes.Length];
        for (var i = 0; i < routes.Length; i++)
        {
            routes[i] = _compiledRoutes.GetValue(h.Routes[i], static r => new CompiledRoute(r));
        }

        return routes;
    });

    public ProxySnapshot Snapshot { get; }

    /// <summary>The sockets the data plane must listen on.</summary>
    public IEnumerable<ListenerBind> Binds =>
        _binds.Select(b => new ListenerBind(b.Key.Address, b.Key.Port, b.Value.Any(l => l.Listener.Protocol == ListenerProtocol.Https)));

    public RouteMatchResult Match(HttpContext context)
    {
        var connection = context.Connection;
        if (Listeners(connection.LocalIpAddress, connection.LocalPort) is not { } listeners)
        {
            return default;
        }

        var host = HostName(context.Request.Host.Value);
        var listener = BestListener(listeners, host);
        if (listener is null)
        {
            return default;
        }

        // TLS: the certificate was chosen by SNI. A Host that belongs to another listener is misdirected (421).
        var serverName = context.Features.Get<ITlsHandshakeFeature>()?.HostName;
        if (!string.IsNullOrEmpty(serverName) && BestListener(listeners, serverName) is { } bySni && bySni != listener)
        {
            return new RouteMatchResult(listener, null, Misdirected: true);
        }

        return new RouteMatchResult(listener, listener.Match(host, context.Request), Misdirected: false);
    }

    /// <summary>The listener that should serve a TLS handshake for this SNI name (or none given).</summary>
    public CompiledListener? ListenerForServerName(IPAddress address, int port, string? serverName)
    {
        if (Listeners(address, port) is not { } listeners)
        {
            return null;
        }

        return string.IsNullOrEmpty(serverName)
            ? listeners.FirstOrDefault(l => l.Listener.Hostname is null) ?? listeners.FirstOrDefault()
            : BestListener(listeners, serverName) ?? listeners.FirstOrDefault(l => l.Listener.Hostname is null);
    }

    /// <summary>The listeners bound where a connection arrived (its local address, else the wildcard address).</summary>
    internal CompiledListener[]? Listeners(IPAddress? local, int port)
    {
        if (local is null)
        {
            return null;
        }

        if (local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }

        return _binds.TryGetValue((local.ToString(), port), out var listeners)
            || _binds.TryGetValue((IPAddress.Any.ToString(), port), out listeners)
            ? listeners
            : null;
    }

    /// <summary>
    /// The Host header without its port, as HostString.Host reads it ("[::1]:80" → "[::1]", "a:80" → "a"; a bare IPv6
    /// address is all host), as a span: HostString.Host makes a new string for every request that names a port.
    /// </summary>
    internal static ReadOnlySpan<char> HostName(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return [];
        }

        var span = value.AsSpan();
        var close = span.IndexOf(']');
        if (close >= 0)
        {
            return span[..(close + 1)];
        }

        var colon = span.IndexOf(':');
        return colon < 0 || (colon < span.Length - 1 && span[(colon + 1)..].Contains(':')) ? span : span[..colon];
    }

    /// <summary>The listener whose hostname covers the host most specifically (listener isolation).</summary>
    internal static CompiledListener? BestListener(CompiledListener[] listeners, ReadOnlySpan<char> host)
    {
        CompiledListener? best = null;
        var bestScore = -1;
        foreach (var listener in listeners)
        {
            var score = listener.Specificity(host);
            if (score > bestScore)
            {
                (best, bestScore) = (listener, score);
            }
        }

        return best;
    }
}

/// <summary>The listener that took the request and the route that matched (either may be null).</summary>
internal readonly record struct RouteMatchResult(CompiledListener? Listener, CompiledRoute? Route, bool Misdirected);
