// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using System.Net;
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

    /// <param name="previous">The table being replaced: routes that are the same instance keep their compiled form.</param>
    public RouteTable(ProxySnapshot snapshot, RouteTable? previous)
    {
        Snapshot = snapshot;
        Dictionary<Route, CompiledRoute>? known = null;
        if (previous is not null)
        {
            known = new Dictionary<Route, CompiledRoute>(ReferenceEqualityComparer.Instance);
            foreach (var route in previous._binds.Values.SelectMany(ls => ls).SelectMany(l => l.Routes))
            {
                known.TryAdd(route.Route, route);
            }
        }

        CompiledRoute Compile(Route route) => known is not null && known.TryGetValue(route, out var compiled) ? compiled : new CompiledRoute(route);
        _binds = snapshot.Listeners
            .GroupBy(l => (l.Address, l.Port))
            .ToFrozenDictionary(g => g.Key, g => g.Select(l => new CompiledListener(l, Compile)).ToArray());
    }

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

        var host = context.Request.Host.Host;
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

    private CompiledListener[]? Listeners(IPAddress? local, int port)
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

    private static CompiledListener? BestListener(CompiledListener[] listeners, string host)
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
