// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// The request-headers and keep-alive idle timeouts of client connections. Kestrel has them only per server (each
/// connection reads them when it opens), so a value any listener's ProxyConfig sets applies to every connection
/// opened after the snapshot is live, the admin server's included; when several set one, the smallest wins.
/// Without any, the defaults: 10 s for the headers (a real client sends its head in one or two packets; a slow
/// loris holds a descriptor for as long as this lasts) and 60 s idle (the idle timeout of common load balancers,
/// half Kestrel's 130 s, so idle connections give their descriptors back sooner).
/// </summary>
public sealed partial class ClientTimeouts(ProxyState state, ILogger<ClientTimeouts> logger)
{
    public static readonly TimeSpan DefaultRequestHeaders = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultIdle = TimeSpan.FromSeconds(60);

    private KestrelServerLimits? _limits;

    /// <summary>From Kestrel's configuration: sets the defaults now and follows every applied snapshot.</summary>
    public void Attach(KestrelServerOptions kestrel)
    {
        var first = _limits is null;
        _limits = kestrel.Limits;
        Apply(state.Snapshot);
        if (first)
        {
            state.Applied += Apply;
        }
    }

    private void Apply(ProxySnapshot snapshot)
    {
        if (_limits is not { } limits)
        {
            return;
        }

        TimeSpan? headers = null, idle = null;
        foreach (var listener in snapshot.Listeners)
        {
            headers = Smaller(headers, listener.ClientLimits?.RequestHeadersTimeout);
            idle = Smaller(idle, listener.ClientLimits?.IdleTimeout);
        }

        var newHeaders = headers ?? DefaultRequestHeaders;
        var newIdle = idle ?? DefaultIdle;
        if (limits.RequestHeadersTimeout != newHeaders || limits.KeepAliveTimeout != newIdle)
        {
            limits.RequestHeadersTimeout = newHeaders;
            limits.KeepAliveTimeout = newIdle;
            LogTimeouts(logger, newHeaders.TotalSeconds, newIdle.TotalSeconds);
        }
    }

    private static TimeSpan? Smaller(TimeSpan? current, TimeSpan? candidate) =>
        candidate is { } value && (current is null || value < current) ? value : current;

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information,
        Message = "Client connections opened from now on: request headers within {RequestHeadersSeconds}s, closed after {IdleSeconds}s idle")]
    private static partial void LogTimeouts(ILogger logger, double requestHeadersSeconds, double idleSeconds);
}
