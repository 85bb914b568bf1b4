// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;
using Gateway.Snapshot;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// The connection limits of each socket (address and port). Connections belong to a socket, not to one listener,
/// so listeners sharing a socket share its limits: for each limit, the smallest that any of them sets.
/// </summary>
internal sealed class SocketLimits
{
    public static readonly SocketLimits Empty = new(ProxySnapshot.Empty);

    private readonly FrozenDictionary<(string Address, int Port), ConnectionLimits> _limits;

    public SocketLimits(ProxySnapshot snapshot)
    {
        _limits = snapshot.Listeners
            .Where(l => l.ConnectionLimits is not null)
            .GroupBy(l => (l.Address, l.Port))
            .ToFrozenDictionary(g => g.Key, g => new ConnectionLimits(
                g.Min(l => l.ConnectionLimits!.MaxConnections),
                g.Min(l => l.ConnectionLimits!.MaxRequestsPerConnection)));
        SocketCount = snapshot.Listeners.Select(l => (l.Address, l.Port)).Distinct().Count();
    }

    /// <summary>How many Gateway sockets the snapshot binds: they share the client connection budget.</summary>
    public int SocketCount { get; }

    public ConnectionLimits? For(string address, int port) => _limits.GetValueOrDefault((address, port));
}
