// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Gateway.Proxy.Diagnostics;
using Gateway.Proxy.Forwarding;
using Gateway.Proxy.Upstream;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Pipeline;

/// <summary>
/// The data plane's one terminal middleware: match the request against the live route table, then
/// answer directly, redirect, or hand it to YARP's forwarder for the chosen backend endpoint.
/// </summary>
public sealed class GatewayProxyMiddleware
{
    private readonly ProxyState _state;
    private readonly RouteForwarder _forwarder;
    private readonly ProxyMetrics _metrics;
    private readonly AccessLogWriter _accessLog;
    private readonly ProxyOptions _options;

    public GatewayProxyMiddleware(
        RequestDelegate next, ProxyState state, IHttpForwarder forwarder, ProxyMetrics metrics, AccessLogWriter accessLog,
        ILoggerFactory loggers, IOptions<ProxyOptions> options, Http1Forwarder http1)
    {
        _ = next; // Terminal: nothing runs after the proxy.
        _state = state;
        _metrics = metrics;
        _accessLog = accessLog;
        _options = options.Value;
        var client = new HttpMessageInvoker(BackendTlsClient.CreateHandler());
        _forwarder = new RouteForwarder(forwarder, client, new RequestMirror(client, loggers.CreateLogger<RequestMirror>()), _options, metrics, loggers.CreateLogger<RouteForwarder>(),
            _options.UpstreamClient == UpstreamClient.Http1 ? http1 : null);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var config = _state.Current;
        RequestsPerConnection.Count(context, config.Limits);
        var (listener, route, misdirected) = config.Routes.Match(context);
        var upstream = "-";
        long upstreamStarted = 0, upstreamEnded = 0;
        var logged = _options.AccessLog || listener?.Listener.AccessLog == true;
        var activity = ProxyTracing.Start(context, listener, route);
        var requestId = logged || activity is not null ? RequestId.Ensure(context.Request) : null;
        var sent = logged ? CountingResponseBody.Install(context) : null;
        try
        {
            if (misdirected)
            {
                await ErrorResponses.WriteAsync(context, 421, $"Host {context.Request.Host} is not served by the listener this TLS connection was made to.").ConfigureAwait(false);
                return;
            }

            if (listener is null || route is null)
            {
                await ErrorResponses.WriteAsync(context, 404, $"No route matches {context.Request.Host}{context.Request.Path}.").ConfigureAwait(false);
                return;
            }

            foreach (var filter in route.Route.Filters)
            {
                if (filter is CorsFilter cors && Cors.Apply(context, cors))
                {
                    return; // A preflight, answered by the gateway.
                }
            }

            switch (route.Route.Action)
            {
                case DirectResponseAction direct:
                    await ErrorResponses.WriteAsync(context, direct.StatusCode, direct.Body).ConfigureAwait(false);
                    break;
                case RedirectAction redirect:
                    Redirects.Write(context, redirect, listener.Listener, route.Match.PrefixForRewrite);
                    break;
                case ForwardAction forward:
                    if (RequestBodyLimit.Apply(context, listener.Listener.ClientLimits))
                    {
                        await RequestBodyLimit.WriteClientFailureAsync(context, StatusCodes.Status413PayloadTooLarge).ConfigureAwait(false);
                        break;
                    }

                    upstreamStarted = logged ? Stopwatch.GetTimestamp() : 0; // Upstream time is for the access log only.
                    upstream = await _forwarder.ForwardAsync(context, route, forward, config.Clusters, listener.Listener.Defaults, listener.Listener.PassiveHealthCheck,
                        listener.Listener.BackendClientCertificateId is { } clientCertificate ? config.Certificates.Find(clientCertificate) : null).ConfigureAwait(false);
                    upstreamEnded = logged ? Stopwatch.GetTimestamp() : 0;
                    break;
            }
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            _metrics.RequestCompleted(listener?.LabelsFor(route) ?? RequestLabels.None, context.Response.StatusCode, elapsed.TotalSeconds);
            if (logged)
            {
                var upstreamElapsed = upstreamEnded != 0 ? Stopwatch.GetElapsedTime(upstreamStarted, upstreamEnded) : (TimeSpan?)null;
                _accessLog.Write(AccessLogEntry.For(context, elapsed, listener, route, upstream, upstreamElapsed, _options.AccessLogQuery, requestId,
                    RequestId.TraceId(context.Request, activity), sent!.Bytes));
            }

            if (activity is not null)
            {
                ProxyTracing.Stop(activity, context, upstream, requestId);
            }
        }
    }
}
