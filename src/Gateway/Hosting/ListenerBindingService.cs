// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Net.Sockets;
using Gateway.Cli;
using Gateway.Proxy;
using Gateway.Proxy.Diagnostics;
using Gateway.Proxy.Listeners;
using Gateway.Status;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.Hosting;

/// <summary>
/// Keeps Kestrel listening on exactly the addresses and ports the live snapshot needs. A new socket is handed to
/// Kestrel only once a probe shows it can be bound; one that cannot (port taken, access denied) is retried with
/// backoff until it can; meanwhile /readyz names it and <see cref="ListenerBindStatus"/> tells status which Gateway
/// listeners it carries.
/// </summary>
public sealed partial class ListenerBindingService(
    ProxyState proxy,
    ListenerEndpointsSource endpoints,
    IServer server,
    GatewayOptions options,
    ProxyMetrics metrics,
    ListenerBindStatus bindStatus,
    ILogger<ListenerBindingService> logger) : IHostedService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly Dictionary<ListenerBind, PendingBind> _unbound = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retries = Task.CompletedTask;

    /// <summary>A socket that could not be bound: why, and when to try it again.</summary>
    public readonly record struct PendingBind(ListenerBind Bind, SocketError Error, TimeSpan Backoff, DateTime NextAttemptUtc)
    {
        public override string ToString() => $"{Bind.Address}:{Bind.Port} ({Error})";
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        proxy.Applied += OnApplied;
        _retries = Task.Run(() => RetryUnboundAsync(_stopping.Token), CancellationToken.None);
        if (proxy.HasSnapshot)
        {
            OnApplied(proxy.Snapshot);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        proxy.Applied -= OnApplied;
        await _stopping.CancelAsync();
        await _retries.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Sockets of the live snapshot that could not be bound yet, with the OS error of the last attempt.</summary>
    public IReadOnlyList<PendingBind> Unbound()
    {
        lock (_lock)
        {
            return [.. _unbound.Values.Order(PendingOrder.Instance)];
        }
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
        foreach (var clash in proxy.Binds.Where(ClashesWithAdmin))
        {
            LogAdminClash(logger, clash.Address, clash.Port);
        }

        Reconcile();
    }

    /// <summary>Hands Kestrel the sockets it already has plus the new ones that probe as bindable.</summary>
    private void Reconcile()
    {
        ImmutableArray<UnboundListener> unbound;
        lock (_lock)
        {
            var wanted = proxy.Binds.Where(b => !ClashesWithAdmin(b)).ToHashSet();
            var handed = endpoints.Endpoints.Where(wanted.Contains).ToList();
            foreach (var gone in _unbound.Keys.Where(b => !wanted.Contains(b)).ToList())
            {
                _unbound.Remove(gone);
            }

            var now = DateTime.UtcNow;
            foreach (var bind in wanted.Where(b => !handed.Contains(b)))
            {
                _unbound.TryGetValue(bind, out var pending);
                if (pending.Bind == bind && pending.NextAttemptUtc > now)
                {
                    continue;
                }

                var error = ListenerProbe.TryBind(bind);
                if (error == SocketError.Success)
                {
                    if (_unbound.Remove(bind))
                    {
                        LogBound(logger, bind.Address, bind.Port);
                    }

                    handed.Add(bind);
                    continue;
                }

                metrics.BindFailed($"{bind.Address}:{bind.Port}");
                if (pending.Bind != bind || pending.Error != error)
                {
                    // Once per change, not per retry: a port taken for an hour is one line, not 120.
                    LogBindFailed(logger, bind.Address, bind.Port, error);
                }

                var backoff = pending.Bind != bind ? FirstRetry : TimeSpan.FromTicks(Math.Min(pending.Backoff.Ticks * 2, MaxRetry.Ticks));
                _unbound[bind] = new PendingBind(bind, error, backoff, now + backoff);
            }

            endpoints.SetEndpoints(handed);
            unbound = UnboundListeners(proxy.Snapshot, _unbound);
        }

        bindStatus.Set(unbound);
        _wake.Release();
    }

    private async Task RetryUnboundAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            lock (_lock)
            {
                // Nothing unbound: sleep until a snapshot wakes us (Timeout.InfiniteTimeSpan is negative, so it must
                // not go through the clamp below, or the loop would spin).
                wait = _unbound.Count == 0
                    ? Timeout.InfiniteTimeSpan
                    : TimeSpan.FromTicks(Math.Max(0, (_unbound.Values.Min(p => p.NextAttemptUtc) - DateTime.UtcNow).Ticks));
            }

            try
            {
                await _wake.WaitAsync(wait, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            bool due;
            lock (_lock)
            {
                due = _unbound.Values.Any(p => p.NextAttemptUtc <= DateTime.UtcNow);
            }

            if (due)
            {
                Reconcile();
            }
        }
    }

    /// <summary>The Gateway listeners that sit on the sockets not bound, in snapshot order.</summary>
    private static ImmutableArray<UnboundListener> UnboundListeners(Snapshot.ProxySnapshot snapshot, Dictionary<ListenerBind, PendingBind> pending)
    {
        if (pending.Count == 0)
        {
            return [];
        }

        var bySocket = pending.Values.ToDictionary(p => (p.Bind.Address, p.Bind.Port));
        return
        [
            .. snapshot.Listeners
                .Where(l => bySocket.ContainsKey((l.Address, l.Port)))
                .Select(l => new UnboundListener(l.Gateway, ListenerName(l.Id), l.Address, l.Port, bySocket[(l.Address, l.Port)].Error, ListenerSetOf(l.Id))),
        ];
    }

    /// <summary>
    /// A snapshot listener's id is gateway/{namespace}/{name}/listener/{listenerName}, or for a ListenerSet's listener
    /// gateway/{namespace}/{name}/listenerset/{setNamespace}/{setName}/listener/{listenerName}; names hold no '/'.
    /// </summary>
    private static string ListenerName(string id) => id[(id.LastIndexOf('/') + 1)..];

    /// <summary>The declaring ListenerSet as namespace/name, or null for a Gateway's own listener.</summary>
    private static string? ListenerSetOf(string id) => id.Split('/') is [_, _, _, "listenerset", var ns, var name, ..] ? $"{ns}/{name}" : null;

    private bool ClashesWithAdmin(ListenerBind bind) =>
        bind.Port == options.AdminPort && (bind.Address == options.AdminAddress || bind.Address == "0.0.0.0" || options.AdminAddress == "0.0.0.0");

    private sealed class PendingOrder : IComparer<PendingBind>
    {
        public static readonly PendingOrder Instance = new();

        public int Compare(PendingBind x, PendingBind y) => x.Bind.CompareTo(y.Bind);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Listener {Address}:{Port} is the admin server's address; not bound")]
    private static partial void LogAdminClash(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 6150, Level = LogLevel.Warning, Message = "Listener {Address}:{Port} cannot be bound: {Error}; retrying until it can")]
    private static partial void LogBindFailed(ILogger logger, string address, int port, SocketError error);

    [LoggerMessage(EventId = 6151, Level = LogLevel.Information, Message = "Listener {Address}:{Port} is bound")]
    private static partial void LogBound(ILogger logger, string address, int port);
}
