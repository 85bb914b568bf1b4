// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// Moves clients off a replica that is leaving, as Envoy's drain does: from <see cref="Begin"/> on, while the listeners
/// still accept and serve, every Gateway connection is asked to close with the signal Kestrel's own graceful stop sends
/// (<see cref="IConnectionLifetimeNotificationFeature.RequestClose"/>). HTTP/1.1 then answers the request in flight
/// with <c>Connection: close</c> and closes, or closes at once when idle; HTTP/2 sends GOAWAY and closes once its
/// streams are done; an upgraded connection (WebSocket) goes on. Clients reconnect, through the load balancer, to a
/// replica that is not leaving.
/// </summary>
/// <remarks>
/// Kestrel closes a connection asked to close before its first request without answering that request, so a
/// connection is asked only once it is <see cref="FirstRequestGrace"/> old (a sweep every as long), or at its next
/// request (<see cref="CloseWhileDraining"/>), whichever comes first: connections opened during the drain serve their
/// first request. Outside a drain the request path pays one volatile read.
/// </remarks>
public sealed partial class ConnectionDrain(TimeProvider time, ILogger<ConnectionDrain> logger) : IDisposable
{
    /// <summary>How long a new connection has to send its first request before a sweep may close it.</summary>
    public static readonly TimeSpan FirstRequestGrace = TimeSpan.FromSeconds(1);

    // Open Gateway connections not yet asked to close, with the timestamp they were opened at.
    private readonly ConcurrentDictionary<ConnectionContext, long> _open = new();
    private volatile bool _draining;
    private ITimer? _sweeps;
    private long _asked;

    public bool Draining => _draining;

    /// <summary>From the connection middleware, when a Gateway connection has been accepted.</summary>
    public void Opened(ConnectionContext connection) => _open[connection] = time.GetTimestamp();

    /// <summary>From the connection middleware, when the connection has ended.</summary>
    public void Closed(ConnectionContext connection) => _open.TryRemove(connection, out _);

    /// <summary>Starts the drain: open connections are asked to close now and new ones after their first request.</summary>
    public void Begin()
    {
        if (_draining)
        {
            return;
        }

        _draining = true;
        _sweeps = time.CreateTimer(static state => ((ConnectionDrain)state!).Sweep(), this, TimeSpan.Zero, FirstRequestGrace);
    }

    /// <summary>The middleware in front of the proxy on Gateway listeners: during a drain, each request's connection is asked to close.</summary>
    public RequestDelegate CloseWhileDraining(RequestDelegate next) => context =>
    {
        if (_draining)
        {
            RequestClose(context.Features);
        }

        return next(context);
    };

    public void Dispose() => _sweeps?.Dispose();

    private void Sweep()
    {
        var grown = time.GetTimestamp() - (long)(FirstRequestGrace.TotalSeconds * time.TimestampFrequency);
        var asked = 0;
        foreach (var (connection, opened) in _open)
        {
            if (opened <= grown && _open.TryRemove(connection, out _))
            {
                RequestClose(connection.Features);
                asked++;
            }
        }

        if (asked > 0)
        {
            LogAsked(logger, asked, Interlocked.Add(ref _asked, asked));
        }
    }

    private void RequestClose(IFeatureCollection features)
    {
        try
        {
            features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    [LoggerMessage(EventId = 6104, Level = LogLevel.Information,
        Message = "Drain: asked {Count} open client connections to close (HTTP/1.1 Connection: close, HTTP/2 GOAWAY); {Total} so far")]
    private static partial void LogAsked(ILogger logger, int count, long total);
}
