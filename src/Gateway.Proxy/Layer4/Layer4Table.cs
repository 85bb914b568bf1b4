// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using System.Collections.Immutable;
using Gateway.Snapshot;

namespace Gateway.Proxy.Layer4;

/// <summary>
/// The TLS passthrough and TCP listeners of one snapshot, by the socket they share. A connection resolves its route
/// against the table that is live when it arrives; it keeps that route while a later table still has it.
/// </summary>
internal sealed class Layer4Table
{
    public static readonly Layer4Table Empty = new(ProxySnapshot.Empty);

    private readonly FrozenDictionary<Layer4Bind, Layer4Socket> _sockets;
    private readonly FrozenSet<(string Listener, string Route)> _routes;

    public Layer4Table(ProxySnapshot snapshot)
    {
        var listeners = snapshot.Layer4Listeners.IsDefault ? [] : snapshot.Layer4Listeners;
        _sockets = listeners
            .GroupBy(l => new Layer4Bind(l.Address, l.Port))
            .ToFrozenDictionary(g => g.Key, g => new Layer4Socket(g.Key, g.First().Protocol, [.. g.OrderByDescending(l => Specificity(l.Hostname))]));
        _routes = listeners.SelectMany(l => RoutesOf(l).Select(r => (l.Id, r.Id))).ToFrozenSet();
    }

    public IEnumerable<Layer4Socket> Sockets => _sockets.Values;

    public Layer4Socket? Find(Layer4Bind bind) => _sockets.GetValueOrDefault(bind);

    /// <summary>True while the listener still has this route (a connection it carries may go on).</summary>
    public bool HasRoute(string listenerId, string routeId) => _routes.Contains((listenerId, routeId));

    internal static ImmutableArray<Layer4Route> RoutesOf(Listener listener) => listener.Layer4Routes.IsDefault ? [] : listener.Layer4Routes;

    /// <summary>Higher is more specific: exact names, then longer wildcards, then "*" (or no hostname).</summary>
    internal static int Specificity(string? hostname) =>
        hostname is null or "*" ? 0 : hostname.StartsWith("*.", StringComparison.Ordinal) ? hostname.Length : 100_000 + hostname.Length;

    /// <summary>True when <paramref name="pattern"/> (exact, "*.suffix", "*" or null) covers the concrete <paramref name="name"/>.</summary>
    internal static bool Covers(string? pattern, string name)
    {
        if (pattern is null or "*")
        {
            return true;
        }

        if (!pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return string.Equals(pattern, name, StringComparison.Ordinal);
        }

        return name.Length > pattern.Length - 1 && name.EndsWith(pattern.AsSpan(1), StringComparison.Ordinal);
    }
}

/// <summary>An address and port the layer-4 listeners bind.</summary>
internal readonly record struct Layer4Bind(string Address, int Port)
{
    public override string ToString() => Address.Contains(':') ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}

/// <summary>The listeners on one socket, most specific hostname first (all of one protocol: others would conflict).</summary>
internal sealed class Layer4Socket(Layer4Bind bind, ListenerProtocol protocol, ImmutableArray<Listener> listeners)
{
    public Layer4Bind Bind { get; } = bind;

    public ListenerProtocol Protocol { get; } = protocol;

    public ImmutableArray<Listener> Listeners { get; } = listeners;

    /// <summary>
    /// The listener and route for a connection: the most specific listener whose hostname covers the server name, then
    /// its most specific route that does. Null server name (TCP, or a ClientHello without SNI) only matches wildcards.
    /// </summary>
    public (Listener Listener, Layer4Route Route)? Resolve(string? serverName)
    {
        foreach (var listener in Listeners)
        {
            if (serverName is null ? listener.Hostname is not null : !Layer4Table.Covers(listener.Hostname, serverName))
            {
                continue;
            }

            foreach (var route in Layer4Table.RoutesOf(listener))
            {
                if (serverName is null ? route.Hostname == "*" : Layer4Table.Covers(route.Hostname, serverName))
                {
                    return (listener, route);
                }
            }

            return null; // Listener isolation: a more general listener never takes a name a more specific one owns.
        }

        return null;
    }
}
