// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Gateway.Proxy.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// Connection middleware on every Gateway socket (Kestrel only limits connections server-wide). It counts the open
/// connections of each socket and closes a new one at once, before TLS or any request is read, when the socket's
/// maxConnections (or, without one, its share of the <see cref="ClientConnectionBudget"/>) are open. The limit is
/// read from the live state on every accept, so a changed ProxyConfig applies without rebinding; connections already
/// open are never dropped by a lower limit.
/// </summary>
public sealed partial class ConnectionLimiter(
    ProxyState state, ClientConnectionBudget budget, ConnectionDrain drain, ProxyMetrics metrics, TimeProvider time, ILogger<ConnectionLimiter> logger)
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    // Keyed by socket, not by Kestrel endpoint: a socket unbound and bound again still has its old connections open.
    private readonly ConcurrentDictionary<(string Address, int Port), SocketConnections> _sockets = new();

    /// <summary>For Kestrel's endpoint defaults, which apply to every endpoint bound from configuration.</summary>
    public void Attach(ListenOptions listen)
    {
        if (listen.IPEndPoint is not { } endpoint)
        {
            return;
        }

        var socket = _sockets.GetOrAdd((endpoint.Address.ToString(), endpoint.Port), key => new SocketConnections(key.Address, key.Port));
        listen.Use(next => connection => ServeAsync(connection, next, socket));
    }

    private async Task ServeAsync(ConnectionContext connection, ConnectionDelegate next, SocketConnections socket)
    {
        // An explicit maxConnections wins; otherwise the socket's share of the descriptor budget.
        var limits = state.Current.Limits;
        var max = limits.For(socket.Address, socket.Port)?.MaxConnections ?? budget.PerSocket(limits.SocketCount);
        if (!socket.TryOpen(max))
        {
            Reject(socket, max!.Value);
            return; // Kestrel closes the transport.
        }

        try
        {
            connection.Features.Set(new ListenerConnection(socket));
            drain.Opened(connection);
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            drain.Closed(connection);
            socket.Close();
        }
    }

    private void Reject(SocketConnections socket, int max)
    {
        metrics.ConnectionRejected(socket.Name);
        var interval = (long)(LogInterval.TotalSeconds * time.TimestampFrequency);
        if (socket.RejectedAndDueForLog(time.GetTimestamp(), interval, out var rejected))
        {
            LogRejected(logger, socket.Name, max, rejected, LogInterval.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning,
        Message = "Listener socket {Bind} has its maximum of {MaxConnections} connections open; closed {Rejected} new connections since the last such message (one every {IntervalSeconds}s at most)")]
    private static partial void LogRejected(ILogger logger, string bind, int maxConnections, long rejected, double intervalSeconds);
}
