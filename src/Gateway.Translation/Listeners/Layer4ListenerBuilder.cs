// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Snapshot;

namespace Gateway.Translation.Listeners;

/// <summary>
/// A TLS passthrough or TCP listener as the data plane relays it: for each hostname (most specific first), the route
/// that carries its connections. Where several routes share a hostname, the first in Gateway API order (the oldest)
/// carries them; the others stay attached and counted.
/// </summary>
internal static class Layer4ListenerBuilder
{
    public static bool IsLayer4(ListenerPlan listener) => listener.Protocol is ListenerProtocol.TlsPassthrough or ListenerProtocol.Tcp;

    /// <summary>The listener with its virtual hosts turned into one route per hostname.</summary>
    public static Snapshot.Listener Build(Snapshot.Listener listener)
    {
        var routes = ImmutableArray.CreateBuilder<Layer4Route>(listener.VirtualHosts.Length);
        foreach (var host in listener.VirtualHosts)
        {
            var first = host.Routes[0];
            var backends = first.Action is ForwardAction forward ? forward.Backends : [];
            routes.Add(new Layer4Route(first.Owner, host.Hostname, backends));
        }

        return listener with { VirtualHosts = [], Layer4Routes = routes.MoveToImmutable() };
    }
}
