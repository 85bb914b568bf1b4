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

    /// <summary>True when Kestrel reports every listener address of the live snapshot as bound.</summary>
    public bool AllBound()
    {
        // From the live snapshot, not from what was last handed to Kestrel: a snapshot is live a moment before
        // OnApplied hands its endpoints over, and in that moment nothing would be missing.
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return proxy.Binds.Where(b => !ClashesWithAdmin(b)).All(b => bound.Contains(b.Url, StringComparer.OrdinalIgnoreCase));
    }

    private void OnApplied(Snapshot.ProxySnapshot snapshot)
    {
        var binds = proxy.Binds;
        foreach (var clash in binds.Where(ClashesWithAdmin))
        {
            LogAdminClash(logger, clash.Address, clash.Port);
        }

        endpoints.SetEndpoints([.. binds.Where(b => !ClashesWithAdmin(b))]);
    }

    private bool ClashesWithAdmin(ListenerBind bind) =>
        bind.Port == options.AdminPort && (bind.Address == options.AdminAddress || bind.Address == "0.0.0.0" || options.AdminAddress == "0.0.0.0");

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Listener {Address}:{Port} is the admin server's address; not bound")]
    private static partial void LogAdminClash(ILogger logger, string address, int port);
}
