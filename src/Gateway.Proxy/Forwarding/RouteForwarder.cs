// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography.X509Certificates;
using Gateway.Proxy.Diagnostics;
using Gateway.Proxy.Matching;
using Gateway.Proxy.Pipeline;
using Gateway.Proxy.Upstream;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// Sends a matched request to a backend through the gateway's HTTP/1.1 client (plain-HTTP/1.1 clusters, when on) or
/// YARP's forwarder (everything else): weighted backend choice, round-robin
/// endpoints that skip ejected ones, the route's request and backendRequest timeouts (504), one free retry on
/// another endpoint when a connection attempt fails, the route's retries (its status codes, and every failure without an
/// answer), and fire-and-forget mirrors.
/// </summary>
internal sealed partial class RouteForwarder(
    IHttpForwarder forwarder, HttpMessageInvoker client, RequestMirror mirror, ProxyOptions options, ProxyMetrics metrics, ILogger logger,
    Http1Forwarder? http1 = null)
{
    private readonly ForwarderRequestConfigs _requestConfigs = new(options.DefaultBackendTimeout);

    private enum Next
    {
        Done,
        RetryPolicy,
        RetryConnect,
    }

    private readonly record struct Outcome(string Upstream, Next Next, EndpointHealth? Failed = null);

    /// <summary>Forwards; returns the upstream it ended on (for the access log).</summary>
    public async Task<string> ForwardAsync(
        HttpContext context, CompiledRoute route, ForwardAction forward, ClusterTable clusters, ListenerDefaults? defaults, PassiveHealthCheck? health = null,
        X509Certificate2? backendClientCertificate = null)
    {
        var timeouts = route.Route.Timeouts;
        using var requestTimeout = Deadline(context, GrpcRequests.Deadline(context.Request, timeouts?.Request ?? defaults?.RequestTimeout));
        var retry = route.Route.Retry;
        if (retry is not null || route.HasMirror)
        {
            if (await ReadBodyAheadAsync(context, route, retry is not null).ConfigureAwait(false) is not { } body)
            {
                return "-"; // The client's body failed; answered.
            }

            if (!body.Replayable)
            {
                retry = null;
            }
            else if (route.HasMirror)
            {
                mirror.Start(context, route.Route.Filters, clusters, body.Bytes);
            }
        }

        health ??= PassiveHealthCheck.Default;
        var upstream = "-";
        EndpointHealth? connectFailed = null;
        for (var attempt = 0; ;)
        {
            var retriesLeft = retry is null ? 0 : retry.Attempts - attempt;
            var outcome = await AttemptAsync(context, route, forward, clusters, timeouts?.BackendRequest, requestTimeout,
                retriesLeft > 0 ? retry : null, defaults?.IdleTimeout, health, connectFailed, backendClientCertificate).ConfigureAwait(false);
            upstream = outcome.Upstream;
            if (outcome.Next == Next.Done)
            {
                return upstream;
            }

            // Nothing reached the client yet: forget this answer and try again.
            context.Response.Headers.Clear();
            context.Response.StatusCode = 200;
            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }

            if (outcome.Next == Next.RetryConnect)
            {
                // Free and at once: the request never left, so it costs the backend nothing and the client no attempt.
                connectFailed = outcome.Failed;
                continue;
            }

            attempt++;
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

    /// <summary>
    /// Retries and mirrors need the body more than once: it is read ahead and held when small enough, else sent once
    /// without them (counted). Null when reading the client's body failed; the client has been answered.
    /// </summary>
    private async Task<(bool Replayable, ReadOnlyMemory<byte> Bytes)?> ReadBodyAheadAsync(HttpContext context, CompiledRoute route, bool retried)
    {
        ReplayableRequestBody? body;
        try
        {
            body = await ReplayableRequestBody.ReadAheadAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await RequestBodyLimit.WriteClientFailureAsync(context, (e as BadHttpRequestException)?.StatusCode ?? 400).ConfigureAwait(false);
            }

            return null;
        }

        if (body is { IsWhole: false })
        {
            metrics.BodyNotReplayable(retried, route.HasMirror);
            LogBodyNotReplayable(logger, route.Route.Owner, ReplayableRequestBody.MaxBytes);
            return (false, ReadOnlyMemory<byte>.Empty);
        }

        return (true, body?.Whole ?? ReadOnlyMemory<byte>.Empty);
    }

    /// <param name="connectFailed">The endpoint whose connection just failed, once this request has used its connect retry.</param>
    private async Task<Outcome> AttemptAsync(
        HttpContext context, CompiledRoute route, ForwardAction forward, ClusterTable clusters,
        TimeSpan? backendTimeout, CancellationTokenSource? requestTimeout, RouteRetry? retry, TimeSpan? idleTimeout,
        PassiveHealthCheck health, EndpointHealth? connectFailed, X509Certificate2? backendClientCertificate)
    {
        var backendIndex = BackendPicker.Pick(forward.Backends);
        if (backendIndex < 0)
        {
            await ErrorResponses.WriteAsync(context, 500, "Every backend of this route has weight 0.").ConfigureAwait(false);
            return new("-", Next.Done);
        }

        var backend = forward.Backends[backendIndex];
        if (backend.ClusterId is null || clusters.Find(backend.ClusterId) is not { } cluster)
        {
            await ErrorResponses.WriteAsync(context, 500, "The chosen backend of this route is invalid; see the route's status.").ConfigureAwait(false);
            return new("-", Next.Done);
        }

        var endpoint = cluster.Pick(connectFailed, health.Enabled);
        if (endpoint is null)
        {
            if (retry?.Codes.Contains(503) == true)
            {
                return new(cluster.Cluster.Id, Next.RetryPolicy);
            }

            await ErrorResponses.WriteAsync(context, 503, $"No ready endpoints for {cluster.Cluster.Id}.").ConfigureAwait(false);
            return new(cluster.Cluster.Id, Next.Done);
        }

        var destination = endpoint.Destination;
        // Prepared when the snapshot was compiled (the route's filters, then the backend's).
        var transformer = route.Transformers[backendIndex];
        using var attemptTimeout = Deadline(context, backendTimeout, requestTimeout?.Token);
        var token = attemptTimeout?.Token ?? requestTimeout?.Token ?? context.RequestAborted;
        var (error, retryRequested) = await SendAsync(context, route, cluster, endpoint, transformer, retry, idleTimeout, backendClientCertificate, token).ConfigureAwait(false);
        if (error == ForwarderError.None || retryRequested || context.Response.HasStarted)
        {
            if (endpoint.Succeeded())
            {
                LogEndpointRecovered(logger, endpoint.Address, endpoint.ClusterId);
            }

            return new(destination, retryRequested ? Next.RetryPolicy : Next.Done);
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            return new(destination, Next.Done); // The client went away: nobody to answer, nothing to report.
        }

        if (RequestBodyLimit.ClientFailureStatus(context, error) is { } clientStatus)
        {
            await RequestBodyLimit.WriteClientFailureAsync(context, clientStatus).ConfigureAwait(false);
            return new(destination, Next.Done); // The client's body, not the backend: no upstream failure, no retry.
        }

        var timedOut = token.IsCancellationRequested;
        if (!timedOut && ConnectFailure.Is(context, error))
        {
            ReportConnectFailure(endpoint, health);
            if (connectFailed is null && (cluster.Endpoints.Length > 1 || forward.Backends.Length > 1))
            {
                metrics.ConnectRetried(endpoint);
                return new(destination, Next.RetryConnect, endpoint);
            }
        }

        LogUpstreamFailed(logger, destination, route.Route.Owner, timedOut ? "timeout" : error.ToString(), retry is not null);
        var status = timedOut ? 504 : context.Response.StatusCode >= 500 ? context.Response.StatusCode : 502;
        // No answer came (refused, reset, closed, timed out): the route's retry stanza covers these whatever its codes,
        // which pick only the answers to retry (HTTPRouteRetryConnectionError, HTTPRouteRetryBackendTimeout).
        if (retry is not null && !(requestTimeout?.IsCancellationRequested ?? false))
        {
            return new(destination, Next.RetryPolicy);
        }

        var why = timedOut ? "did not answer in time" : $"failed ({error})";
        await ErrorResponses.WriteAsync(context, status, $"Upstream {destination} {why}.").ConfigureAwait(false);
        return new(destination, Next.Done);
    }

    /// <summary>
    /// The send itself: plain-HTTP/1.1 clusters go through the gateway's own client when it is on and handles the
    /// request (not an upgrade, CONNECT or gRPC); everything else, TLS clusters included, through YARP's forwarder.
    /// Both report alike.
    /// </summary>
    private ValueTask<Http1Outcome> SendAsync(
        HttpContext context, CompiledRoute route, LiveCluster cluster, EndpointHealth endpoint, RouteTransformer transformer,
        RouteRetry? retry, TimeSpan? idleTimeout, X509Certificate2? backendClientCertificate, CancellationToken token)
    {
        return http1 is not null && cluster.Cluster.Protocol == BackendProtocol.Http1 && cluster.TlsClient is null && Http1Forwarder.Handles(context)
            ? http1.SendAsync(context, endpoint, transformer.Filters, route.Match.PrefixForRewrite, retry?.Codes, idleTimeout ?? options.DefaultBackendTimeout, token,
                resendWhenStale: route.Route.Retry is null)
            : SendThroughYarpAsync(context, cluster, endpoint, transformer, retry, idleTimeout, backendClientCertificate, token);
    }

    private async ValueTask<Http1Outcome> SendThroughYarpAsync(
        HttpContext context, LiveCluster cluster, EndpointHealth endpoint, RouteTransformer shared,
        RouteRetry? retry, TimeSpan? idleTimeout, X509Certificate2? backendClientCertificate, CancellationToken token)
    {
        // A request that may be retried takes its own transformer, which records whether the answer was held back.
        var transformer = retry is null ? shared : shared.WithRetryCodes(retry.Codes);
        // A gRPC stream may rightly be quiet for longer than any idle timeout (a subscription waiting for events): the
        // backend connection's HTTP/2 keepalive pings find a dead backend instead, and grpc-timeout bounds the call.
        var requestConfig = _requestConfigs.For(GrpcRequests.IsGrpc(context.Request) ? Timeout.InfiniteTimeSpan : idleTimeout, cluster.Cluster.Protocol);
        var error = await forwarder.SendAsync(context, endpoint.Destination, cluster.TlsClientFor(backendClientCertificate) ?? client, requestConfig, transformer, token).ConfigureAwait(false);
        return new Http1Outcome(error, transformer.RetryRequested);
    }

    private void ReportConnectFailure(EndpointHealth endpoint, PassiveHealthCheck health)
    {
        metrics.ConnectFailed(endpoint);
        if (health.Enabled && endpoint.ConnectFailed(health) is { } ejectedFor)
        {
            metrics.Ejected(endpoint);
            LogEndpointEjected(logger, endpoint.Address, endpoint.ClusterId, ejectedFor.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 6200, Level = LogLevel.Warning, Message = "Endpoint {Endpoint} of {Cluster} ejected for {Seconds}s: its connection attempts fail")]
    private static partial void LogEndpointEjected(ILogger logger, string endpoint, string cluster, double seconds);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Endpoint {Endpoint} of {Cluster} answered again after an ejection")]
    private static partial void LogEndpointRecovered(ILogger logger, string endpoint, string cluster);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "Request body for {Route} is larger than {MaxBytes} bytes: sent once, without retries or mirrors")]
    private static partial void LogBodyNotReplayable(ILogger logger, string route, int maxBytes);

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
}
