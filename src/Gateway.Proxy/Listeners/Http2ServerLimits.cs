// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Http2Limits = Gateway.Snapshot.Http2Limits;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// HTTP/2 limits of client connections. Kestrel has them per server and each connection reads them when it opens, so a
/// value any listener's ProxyConfig sets applies to connections opened after the snapshot is live; when several set
/// one, the smallest wins. Defaults: Kestrel's 100 streams, 16 KiB frames and 32 KiB header fields, and keepalive pings
/// after 60 s of silence with 20 s to answer (Kestrel pings never by default; a long-lived gRPC stream to a client that
/// vanished would otherwise hold its backend stream until the TCP connection times out).
/// </summary>
public sealed partial class Http2ServerLimits(ProxyState state, ILogger<Http2ServerLimits> logger)
{
    public static readonly Http2Limits Defaults = new(100, 16_384, 32_768, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20));

    private KestrelServerLimits? _limits;

    /// <summary>From Kestrel's configuration: sets the defaults now and follows every applied snapshot.</summary>
    public void Attach(KestrelServerOptions kestrel)
    {
        var first = _limits is null;
        _limits = kestrel.Limits;
        Apply(state.HasSnapshot ? state.Snapshot : null);
        if (first)
        {
            state.Applied += Apply;
        }
    }

    private void Apply(ProxySnapshot? snapshot)
    {
        if (_limits?.Http2 is not { } http2)
        {
            return;
        }

        int? streams = null, frame = null, field = null;
        TimeSpan? interval = null, timeout = null;
        foreach (var listener in snapshot?.Listeners ?? [])
        {
            if (listener.Http2 is { } set)
            {
                streams = Smaller(streams, set.MaxConcurrentStreams);
                frame = Smaller(frame, set.MaxFrameSize);
                field = Smaller(field, set.MaxHeaderFieldSize);
                interval = Smaller(interval, set.KeepAlivePingInterval);
                timeout = Smaller(timeout, set.KeepAlivePingTimeout);
            }
        }

        var wanted = new Http2Limits(streams ?? Defaults.MaxConcurrentStreams, frame ?? Defaults.MaxFrameSize, field ?? Defaults.MaxHeaderFieldSize,
            interval ?? Defaults.KeepAlivePingInterval, timeout ?? Defaults.KeepAlivePingTimeout);
        var current = new Http2Limits(http2.MaxStreamsPerConnection, http2.MaxFrameSize, http2.MaxRequestHeaderFieldSize, http2.KeepAlivePingDelay, http2.KeepAlivePingTimeout);
        if (wanted == current)
        {
            return;
        }

        http2.MaxStreamsPerConnection = wanted.MaxConcurrentStreams!.Value;
        http2.MaxFrameSize = wanted.MaxFrameSize!.Value;
        http2.MaxRequestHeaderFieldSize = wanted.MaxHeaderFieldSize!.Value;
        http2.KeepAlivePingDelay = wanted.KeepAlivePingInterval!.Value;
        http2.KeepAlivePingTimeout = wanted.KeepAlivePingTimeout!.Value;
        LogLimits(logger, http2.MaxStreamsPerConnection, http2.MaxFrameSize, http2.MaxRequestHeaderFieldSize,
            http2.KeepAlivePingDelay.TotalSeconds, http2.KeepAlivePingTimeout.TotalSeconds);
    }

    private static T? Smaller<T>(T? current, T? candidate)
        where T : struct, IComparable<T> =>
        candidate is { } value && (current is null || value.CompareTo(current.Value) < 0) ? value : current;

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information,
        Message = "HTTP/2 client connections opened from now on: {MaxStreams} streams, {MaxFrameSize}-byte frames, {MaxHeaderFieldSize}-byte header fields, ping after {PingSeconds}s idle, {PingTimeoutSeconds}s to answer")]
    private static partial void LogLimits(ILogger logger, int maxStreams, int maxFrameSize, int maxHeaderFieldSize, double pingSeconds, double pingTimeoutSeconds);
}
