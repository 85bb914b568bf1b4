// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using Gateway.Proxy.Diagnostics;
using Gateway.Proxy.Forwarding;
using Gateway.Proxy.Matching;
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
    private readonly IHttpForwarder _forwarder;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger _accessLog;
    private readonly ProxyOptions _options;
    private readonly HttpMessageInvoker _client;

    public GatewayProxyMiddleware(
        RequestDelegate next, ProxyState state, IHttpForwarder forwarder, ProxyMetrics metrics,
        ILoggerFactory loggers, IOptions<ProxyOptions> options)
    {
        _ = next; // Terminal: nothing runs after the proxy.
        _state = state;
        _forwarder = forwarder;
        _metrics = metrics;
        _accessLog = loggers.CreateLogger(AccessLog.Category);
        _options = options.Value;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        });
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var config = _state.Current;
        var (listener, route, misdirected) = config.Routes.Match(context);
        var upstream = "-";
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

            switch (route.Route.Action)
            {
                case DirectResponseAction direct:
                    await ErrorResponses.WriteAsync(context, direct.StatusCode, direct.Body).ConfigureAwait(false);
                    break;
                case RedirectAction redirect:
                    Redirects.Write(context, redirect, listener.Listener, route.Match.PrefixForRewrite);
                    break;
                case ForwardAction forward:
                    upstream = await ForwardAsync(context, route, forward, config.Clusters).ConfigureAwait(false);
                    break;
            }
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var routeLabel = route?.Route.Owner ?? "none";
            _metrics.Record(routeLabel, context.Response.StatusCode, elapsed.TotalSeconds);
            if (_options.AccessLog)
            {
                var request = context.Request;
                AccessLog.Request(_accessLog, request.Method, request.Host.Value ?? "", request.Path.Value ?? "",
                    context.Response.StatusCode, elapsed.TotalMilliseconds, routeLabel, upstream,
                    context.Connection.RemoteIpAddress?.ToString() ?? "-");
            }
        }
    }

    private async Task<string> ForwardAsync(HttpContext context, CompiledRoute route, ForwardAction forward, ClusterTable clusters)
    {
        var backend = BackendPicker.Pick(forward.Backends);
        if (backend is null)
        {
            await ErrorResponses.WriteAsync(context, 500, "Every backend of this route has weight 0.").ConfigureAwait(false);
            return "-";
        }

        if (backend.ClusterId is null || clusters.Find(backend.ClusterId) is not { } cluster)
        {
            await ErrorResponses.WriteAsync(context, 500, "The chosen backend of this route is invalid; see the route's status.").ConfigureAwait(false);
            return "-";
        }

        var destination = cluster.NextDestination();
        if (destination is null)
        {
            await ErrorResponses.WriteAsync(context, 503, $"No ready endpoints for {cluster.Cluster.Id}.").ConfigureAwait(false);
            return cluster.Cluster.Id;
        }

        IReadOnlyList<RouteFilter> filters = backend.Filters.IsDefaultOrEmpty ? route.Route.Filters : [.. route.Route.Filters, .. backend.Filters];
        var transformer = new RouteTransformer(filters, route.Match.PrefixForRewrite);
        var timeouts = route.Route.Timeouts;
        var requestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = timeouts?.BackendRequest ?? timeouts?.Request ?? _options.DefaultBackendTimeout,
            Version = cluster.Cluster.Protocol == BackendProtocol.H2c ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        var error = await _forwarder.SendAsync(context, destination, _client, requestConfig, transformer).ConfigureAwait(false);
        if (error != ForwarderError.None && !context.Response.HasStarted)
        {
            var status = context.Response.StatusCode is >= 500 ? context.Response.StatusCode : 502;
            await ErrorResponses.WriteAsync(context, status, $"Upstream {destination} failed: {error}.").ConfigureAwait(false);
        }

        return destination;
    }
}
