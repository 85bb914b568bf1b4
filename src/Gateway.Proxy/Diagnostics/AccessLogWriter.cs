// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Threading.Channels;
using Gateway.Proxy.Matching;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Diagnostics;

/// <summary>
/// Writes access-log lines off the request path: a request queues its line in a bounded channel and goes on; one
/// background writer drains whatever has queued, in batches, into the log. When the writer falls behind (a slow
/// console or pipe) and the channel is full, the line is dropped and counted (gateway_access_log_dropped_total):
/// a request never waits for the log. What is queued when the process stops is written before it exits.
/// </summary>
public sealed class AccessLogWriter : BackgroundService
{
    /// <summary>Lines that may wait for the writer; at roughly 200 bytes each, a few megabytes at most.</summary>
    public const int Capacity = 16_384;

    private readonly Channel<AccessLogEntry> _lines = Channel.CreateBounded<AccessLogEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly ILogger _logger;
    private readonly ProxyMetrics _metrics;
    private volatile bool _stopped;

    public AccessLogWriter(ILoggerFactory loggers, ProxyMetrics metrics)
    {
        _logger = loggers.CreateLogger(AccessLog.Category);
        _metrics = metrics;
    }

    internal void Write(in AccessLogEntry entry)
    {
        if (_lines.Writer.TryWrite(entry))
        {
            return;
        }

        if (_stopped)
        {
            Log(entry); // A request that finishes while the host stops: nothing is queued behind it any more.
        }
        else
        {
            _metrics.AccessLogDropped();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not bound to stoppingToken: the loop ends when StopAsync completes the channel and the queue is empty.
        var reader = _lines.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (reader.TryRead(out var entry))
            {
                Log(entry);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        _lines.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Log(in AccessLogEntry entry) =>
        AccessLog.Request(_logger, entry.Method, entry.Authority, entry.Path, entry.Protocol, entry.Status, entry.DurationMs,
            entry.BytesReceived, entry.BytesSent, entry.Route, entry.Listener, entry.Upstream, entry.UpstreamDurationMs,
            entry.Client?.ToString() ?? "-", entry.UserAgent ?? "-", entry.RequestId ?? "-", entry.TraceId ?? "-", entry.Time);
}

/// <summary>What one access-log line says; the client address is formatted by the writer, not the request.</summary>
internal readonly record struct AccessLogEntry(
    DateTime Time, string Method, string Authority, string Path, string Protocol, int Status, double DurationMs,
    long? BytesReceived, long BytesSent, string Route, string Listener, string Upstream, double? UpstreamDurationMs,
    IPAddress? Client, string? UserAgent, string? RequestId, string? TraceId)
{
    /// <summary>Read off a finished request (only when it is logged: formatting and the query string cost).</summary>
    public static AccessLogEntry For(HttpContext context, TimeSpan elapsed, CompiledListener? listener, CompiledRoute? route, string upstream,
        TimeSpan? upstreamElapsed, bool withQuery, string? requestId, string? traceId, long bytesSent)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        if (withQuery && request.QueryString.HasValue)
        {
            path += request.QueryString.Value;
        }

        var userAgent = request.Headers.UserAgent;
        return new AccessLogEntry(DateTime.UtcNow - elapsed, request.Method, request.Host.Value ?? "", path, request.Protocol,
            context.Response.StatusCode, elapsed.TotalMilliseconds, ReceivedBytes(context), bytesSent,
            route?.Route.Owner ?? "none", listener?.Listener.Id ?? "none", upstream, upstreamElapsed?.TotalMilliseconds,
            context.Connection.RemoteIpAddress, userAgent.Count == 0 ? null : userAgent.ToString(), requestId, traceId);
    }

    /// <summary>The request body's declared length; 0 for a request that cannot have one; null when streamed without a length.</summary>
    private static long? ReceivedBytes(HttpContext context) =>
        context.Request.ContentLength ?? (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false ? 0 : null);
}
