// SPDX-License-Identifier: Apache-2.0
using Gateway.Cli;
using Gateway.Proxy;
using Gateway.Proxy.Listeners;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.Hosting;

/// <summary>
/// Keeps Kestrel listening on exactly the addresses and ports the live snapshot needs, and tells
/// /readyz whether every one of them is bound.
/// </summary>
public sealed partial class ListenerBindingService(
    ProxyState proxy,
    ListenerEndpointsSource endpoints,
    IServer server,
    GatewayOptions options,
    ILogger<ListenerBindingService> logger) : IHostedService
{
    /// <summary>The snapshot whose listeners were last handed to Kestrel.</summary>
    private volatile Snapshot.ProxySnapshot? _handedOver;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        proxy.Applied += OnApplied;
        if (proxy.HasSnapshot)
        {
            OnApplied(proxy.Snapshot);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        proxy.Applied -= OnApplied;
        return Task.CompletedTask;
    }

    /// <summary>True when the live snapshot's listeners were handed to Kestrel and it reports every one bound.</summary>
    public bool AllBound()
    {
        // Until the live snapshot's listeners are handed over, the wanted list is the previous one (empty at first),
        // and "all of nothing is bound" would make /readyz answer 200 before a single Gateway listener is up.
        if (_handedOver != proxy.Snapshot)
        {
            return false;
        }

        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return endpoints.Endpoints.All(e => bound.Contains(e.Url, StringComparer.OrdinalIgnoreCase));
    }

    private void OnApplied(Snapshot.ProxySnapshot snapshot)
    {
        var wanted = proxy.Binds.Where(b => !ClashesWithAdmin(b)).ToList();
        foreach (var clash in proxy.Binds.Where(ClashesWithAdmin))
        {
            LogAdminClash(logger, clash.Address, clash.Port);
        }

        endpoints.SetEndpoints(wanted);
        _handedOver = snapshot;
    }

    private bool ClashesWithAdmin(ListenerBind bind) =>
        bind.Port == options.AdminPort && (bind.Address == options.AdminAddress || bind.Address == "0.0.0.0" || options.AdminAddress == "0.0.0.0");

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Listener {Address}:{Port} is the admin server's address; not bound")]
    private static partial void LogAdminClash(ILogger logger, string address, int port);
}
