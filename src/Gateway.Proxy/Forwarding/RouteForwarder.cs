// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Gateway.Proxy.Matching;
using Gateway.Proxy.Pipeline;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// Sends a matched request to a backend through YARP's forwarder: weighted backend choice, round-robin
/// endpoints, the route's request and backendRequest timeouts (504), retries on the route's status codes,
/// and fire-and-forget mirrors.
/// </summary>
internal sealed partial class RouteForwarder(IHttpForwarder forwarder, HttpMessageInvoker client, RequestMirror mirror, ProxyOptions options, ILogger logger)
{
    /// <summary>Forwards; returns the upstream it ended on (for the access log).</summary>
    public async Task<string> ForwardAsync(HttpContext context, CompiledRoute route, ForwardAction forward, ClusterTable clusters, ListenerDefaults? defaults)
    {
        var timeouts = route.Route.Timeouts;
        using var requestTimeout = Deadline(context, timeouts?.Request ?? defaults?.RequestTimeout);
        var retry = route.Route.Retry;
        if (retry is not null || HasMirror(route.Route.Filters))
        {
            context.Request.EnableBuffering(); // The body must be readable more than once.
        }

        await mirror.StartAsync(context, route.Route.Filters, clusters).ConfigureAwait(false);
        var upstream = "-";
        for (var attempt = 0; ; attempt++)
        {
            var retriesLeft = retry is null ? 0 : retry.Attempts - attempt;
            var outcome = await AttemptAsync(context, route, forward, clusters, timeouts?.BackendRequest, requestTimeout, retriesLeft > 0 ? retry : null, defaults?.IdleTimeout).ConfigureAwait(false);
            upstream = outcome.Upstream;
            if (!outcome.Retry)
            {
                return upstream;
            }

            // Nothing reached the client yet: forget this answer and try again after the backoff.
            context.Response.Headers.Clear();
            context.Response.StatusCode = 200;
            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }

            try
            {
                await Task.Delay(retry!.Backoff, requestTimeout?.Token ?? context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                await ErrorResponses.WriteAsync(context, 504, "The request timed out between retries.").ConfigureAwait(false);
                return upstream;
            }
        }
    }

    private async Task<(string Upstream, bool Retry)> AttemptAsync(
        HttpContext context, CompiledRoute route, ForwardAction forward, ClusterTable clusters,
        TimeSpan? backendTimeout, CancellationTokenSource? requestTimeout, RouteRetry? retry, TimeSpan? idleTimeout)
    {
        var backend = BackendPicker.Pick(forward.Backends);
        if (backend is null)
        {
            await ErrorResponses.WriteAsync(context, 500, "Every backend of this route has weight 0.").ConfigureAwait(false);
            return ("-", false);
        }

        if (backend.ClusterId is null || clusters.Find(backend.ClusterId) is not { } cluster)
        {
            await ErrorResponses.WriteAsync(context, 500, "The chosen backend of this route is invalid; see the route's status.").ConfigureAwait(false);
            return ("-", false);
        }

        var destination = cluster.NextDestination();
        if (destination is null)
        {
            if (retry?.Codes.Contains(503) == true)
            {
                return (cluster.Cluster.Id, true);
            }

            await ErrorResponses.WriteAsync(context, 503, $"No ready endpoints for {cluster.Cluster.Id}.").ConfigureAwait(false);
            return (cluster.Cluster.Id, false);
        }

        IReadOnlyList<RouteFilter> filters = backend.Filters.IsDefaultOrEmpty ? route.Route.Filters : [.. route.Route.Filters, .. backend.Filters];
        var transformer = new RouteTransformer(filters, route.Match.PrefixForRewrite, retry?.Codes);
        var requestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = idleTimeout ?? options.DefaultBackendTimeout,
            Version = cluster.Cluster.Protocol == BackendProtocol.H2c ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var attemptTimeout = Deadline(context, backendTimeout, requestTimeout?.Token);
        var token = attemptTimeout?.Token ?? requestTimeout?.Token ?? context.RequestAborted;
        var error = await forwarder.SendAsync(context, destination, client, requestConfig, transformer, token).ConfigureAwait(false);
        if (transformer.RetryRequested)
        {
            return (destination, true);
        }

        if (error == ForwarderError.None || context.Response.HasStarted)
        {
            return (destination, false);
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            return (destination, false); // The client went away: nobody to answer, nothing to report.
        }

        if (RequestBodyLimit.ClientFailureStatus(context, error) is { } clientStatus)
        {
            await RequestBodyLimit.WriteClientFailureAsync(context, clientStatus).ConfigureAwait(false);
            return (destination, false); // The client's body, not the backend: no upstream failure, no retry.
        }

        var timedOut = token.IsCancellationRequested;
        LogUpstreamFailed(logger, destination, route.Route.Owner, timedOut ? "timeout" : error.ToString(), retry is not null);
        var status = timedOut ? 504 : context.Response.StatusCode >= 500 ? context.Response.StatusCode : 502;
        if (retry is not null && retry.Codes.Contains(status) && !(requestTimeout?.IsCancellationRequested ?? false))
        {
            return (destination, true);
        }

        var why = timedOut ? "did not answer in time" : $"failed ({error})";
        await ErrorResponses.WriteAsync(context, status, $"Upstream {destination} {why}.").ConfigureAwait(false);
        return (destination, false);
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Upstream {Destination} for {Route} failed: {Error} (will retry: {Retrying})")]
    private static partial void LogUpstreamFailed(ILogger logger, string destination, string route, string error, bool retrying);

    private static CancellationTokenSource? Deadline(HttpContext context, TimeSpan? timeout, CancellationToken? outer = null)
    {
        if (timeout is not { } limit)
        {
            return null;
        }

        var source = CancellationTokenSource.CreateLinkedTokenSource(outer ?? context.RequestAborted);
        source.CancelAfter(limit);
        return source;
    }

    private static bool HasMirror(IReadOnlyList<RouteFilter> filters)
    {
        foreach (var filter in filters)
        {
            if (filter is RequestMirrorFilter)
            {
                return true;
            }
        }

        return false;
    }
}
