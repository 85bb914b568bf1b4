// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// Which clusters a snapshot asks to check actively, and how: every cluster a route forwards or mirrors to on a listener
/// whose ProxyConfig turns active checks on. Clusters are shared by listeners of different classes; when two ask for
/// different settings, the first listener by id wins, so the choice does not depend on order of arrival.
/// </summary>
internal static class ActiveHealthTargets
{
    public static Dictionary<string, ActiveHealthCheck> Of(ProxySnapshot snapshot)
    {
        var targets = new Dictionary<string, ActiveHealthCheck>(StringComparer.Ordinal);
        foreach (var listener in snapshot.Listeners)
        {
            if (listener.ActiveHealthCheck is not { } settings)
            {
                continue;
            }

            foreach (var host in listener.VirtualHosts)
            {
                foreach (var route in host.Routes)
                {
                    AddMirrors(route.Filters, settings, targets);
                    if (route.Action is not ForwardAction forward)
                    {
                        continue;
                    }

                    foreach (var backend in forward.Backends)
                    {
                        if (backend.ClusterId is { } id)
                        {
                            targets.TryAdd(id, settings);
                        }

                        AddMirrors(backend.Filters, settings, targets);
                    }
                }
            }
        }

        return targets;
    }

    private static void AddMirrors(IEnumerable<RouteFilter> filters, ActiveHealthCheck settings, Dictionary<string, ActiveHealthCheck> targets)
    {
        foreach (var filter in filters)
        {
            if (filter is RequestMirrorFilter mirror)
            {
                targets.TryAdd(mirror.ClusterId, settings);
            }
        }
    }
}
