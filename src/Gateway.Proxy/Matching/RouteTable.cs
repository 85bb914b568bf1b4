// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using System.Net;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Matching;

/// <summary>
/// Where a request is matched. Built off the hot path from one snapshot and swapped whole: the listeners
/// bound to the connection's local address and port, then the listener whose hostname best covers the
/// request host (listener isolation), then that listener's routes in precedence order.
/// </summary>
internal sealed class RouteTable
{
    public static readonly RouteTable Empty = new(ProxySnapshot.Empty);

    private readonly FrozenDictionary<(string Address, int Port), CompiledListener[]> _binds;

    public RouteTable(ProxySnapshot snapshot)
    {
        Snapshot = snapshot;
        _binds = snapshot.Listeners
            .GroupBy(l => (l.Address, l.Port))
            .ToFrozenDictionary(g => g.Key, g => g.Select(l => new CompiledListener(l)).ToArray());
    }

    public ProxySnapshot Snapshot { get; }

    /// <summary>The distinct (address, port) pairs the data plane must listen on.</summary>
    public IEnumerable<(string Address, int Port)> Binds => _binds.Keys;

    public (CompiledListener? Listener, CompiledRoute? Route) Match(HttpContext context)
    {
        var connection = context.Connection;
        var local = connection.LocalIpAddress;
        if (local is null)
        {
            return (null, null);
        }

        if (local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }

        if (!_binds.TryGetValue((local.ToString(), connection.LocalPort), out var listeners)
            && !_binds.TryGetValue((IPAddress.Any.ToString(), connection.LocalPort), out listeners))
        {
            return (null, null);
        }

        var host = context.Request.Host.Host;
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

        return best is null ? (null, null) : (best, best.Match(host, context.Request));
    }
}
