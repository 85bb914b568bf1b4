// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Layer4;

/// <summary>
/// Binds the sockets of the TLS passthrough and TCP listeners (not Kestrel's: nothing here speaks HTTP) and keeps them
/// matching the live snapshot: new sockets bind, removed ones close, and one that cannot be bound is tried again every
/// <see cref="BindRetry"/>. A connection takes the table live when it arrives; after each change, connections whose
/// route is gone are closed once <see cref="RouteGoneGrace"/> has passed without it coming back.
/// </summary>
public sealed partial class Layer4Listeners : IHostedService, IDisposable
{
    /// <summary>How long a relay whose route was removed goes on, in case the removal is part of an edit.</summary>
    public static readonly TimeSpan RouteGoneGrace = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan BindRetry = TimeSpan.FromSeconds(2);

    private readonly ProxyState _proxy;
    private readonly Layer4Metrics _metrics;
    private readonly ILogger<Layer4Listeners> _logger;
    private readonly Layer4Handler _handler;
    private readonly Lock _lock = new();
    private readonly Dictionary<Layer4Bind, Socket> _bound = [];
    private readonly HashSet<Layer4Bind> _failed = [];
    private readonly ConcurrentDictionary<Layer4Relay, byte> _relays = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Timer _retry;

    public Layer4Listeners(ProxyState proxy, Layer4Metrics metrics, ILogger<Layer4Listeners> logger)
    {
        _proxy = proxy;
        _metrics = metrics;
        _logger = logger;
        _handler = new Layer4Handler(proxy, metrics, logger);
        _retry = new Timer(_ => Reconcile(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The sockets bound now, as address:port.</summary>
    public IReadOnlyList<string> Bound()
    {
        lock (_lock)
        {
            return [.. _bound.Keys.Select(b => b.ToString()).Order(StringComparer.Ordinal)];
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _proxy.Applied += OnApplied;
        if (_proxy.HasSnapshot)
        {
            Reconcile();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _proxy.Applied -= OnApplied;
        _stopping.Cancel();
        lock (_lock)
        {
            foreach (var socket in _bound.Values)
            {
                socket.Dispose();
            }

            _bound.Clear();
        }

        foreach (var relay in _relays.Keys)
        {
            relay.Close();
        }

        return Task.CompletedTask;
    }

    private void OnApplied(Snapshot.ProxySnapshot snapshot)
    {
        Reconcile();
        var table = _proxy.Current.Layer4;
        foreach (var relay in _relays.Keys.Where(r => !table.HasRoute(r.ListenerId, r.RouteId)))
        {
            _ = CloseUnlessRouteReturnsAsync(relay);
        }
    }

    private async Task CloseUnlessRouteReturnsAsync(Layer4Relay relay)
    {
        try
        {
            await Task.Delay(RouteGoneGrace, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // Shutting down closes every relay anyway.
        }

        if (!_proxy.Current.Layer4.HasRoute(relay.ListenerId, relay.RouteId))
        {
            LogRouteGone(_logger, relay.RouteId);
            relay.Close();
        }
    }

    private void Reconcile()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var wanted = _proxy.Current.Layer4.Sockets.Select(s => s.Bind).ToHashSet();
        lock (_lock)
        {
            foreach (var gone in _bound.Keys.Where(b => !wanted.Contains(b)).ToList())
            {
                _bound.Remove(gone, out var socket);
                socket!.Dispose();
                LogUnbound(_logger, gone.ToString());
            }

            _failed.IntersectWith(wanted);
            foreach (var bind in wanted.Where(b => !_bound.ContainsKey(b)))
            {
                if (TryBind(bind) is { } socket)
                {
                    _bound[bind] = socket;
                    _failed.Remove(bind);
                    LogBound(_logger, bind.ToString());
                    _ = AcceptAsync(socket, bind);
                }
            }

            _retry.Change(_failed.Count > 0 ? BindRetry : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private Socket? TryBind(Layer4Bind bind)
    {
        var address = IPAddress.Parse(bind.Address);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, bind.Port));
            socket.Listen(512);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            if (_failed.Add(bind))
            {
                LogBindFailed(_logger, bind.ToString(), e.SocketErrorCode); // Once per failure spell, not per retry.
            }

            return null;
        }
    }

    private async Task AcceptAsync(Socket listener, Layer4Bind bind)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return; // Unbound, or shutting down.
            }

            _ = _handler.HandleAsync(client, bind, RelayAsync, _stopping.Token);
        }
    }

    private async Task RelayAsync(Layer4Relay relay)
    {
        _relays[relay] = 0;
        _metrics.Opened(relay);
        try
        {
            await relay.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            _relays.TryRemove(relay, out _);
            _metrics.Closed(relay);
            relay.Dispose();
        }
    }

    public void Dispose()
    {
        _retry.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 9500, Level = LogLevel.Warning, Message = "Layer-4 listener {Bind} cannot be bound: {Error}; retrying until it can")]
    private static partial void LogBindFailed(ILogger logger, string bind, SocketError error);

    [LoggerMessage(EventId = 9501, Level = LogLevel.Information, Message = "Layer-4 listener {Bind} is bound")]
    private static partial void LogBound(ILogger logger, string bind);

    [LoggerMessage(EventId = 9504, Level = LogLevel.Information, Message = "Layer-4 listener {Bind} is closed (no longer in the config)")]
    private static partial void LogUnbound(ILogger logger, string bind);

    [LoggerMessage(EventId = 9505, Level = LogLevel.Information, Message = "Route {Route} is gone; closing a connection it carried")]
    private static partial void LogRouteGone(ILogger logger, string route);
}
