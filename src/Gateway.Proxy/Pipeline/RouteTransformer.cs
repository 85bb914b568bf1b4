// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Pipeline;

/// <summary>
/// Applies a matched route's filters to the proxied request and response, and adds X-Forwarded-For/Proto/Host.
/// The original Host header is kept (YARP's base transformer copies it) unless a URLRewrite replaces it; the path and
/// query are the client's, as sent (<see cref="ForwardedPath"/>). One is made per route and backend when the snapshot is
/// compiled and shared by every request; only a route with retries takes its own per request (<see cref="WithRetryCodes"/>),
/// since it records whether the answer was held back for a retry.
/// </summary>
internal sealed class RouteTransformer(IReadOnlyList<RouteFilter> filters, string matchedPrefix, IReadOnlyCollection<int>? retryCodes = null) : HttpTransformer
{
    /// <summary>A transformer for one attempt of a request that may be retried on these status codes.</summary>
    public RouteTransformer WithRetryCodes(IReadOnlyCollection<int> codes) => new(filters, matchedPrefix, codes);

    /// <summary>The route's filters, then the backend's: what the gateway's own HTTP/1.1 client applies instead.</summary>
    public IReadOnlyList<RouteFilter> Filters => filters;

    /// <summary>Set when the backend answered a retryable status and the answer was held back from the client.</summary>
    public bool RetryRequested { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        AddForwardedHeaders(httpContext, proxyRequest);
        PathRewrite? pathRewrite = null;

        foreach (var filter in filters)
        {
            switch (filter)
            {
                case RequestHeaderFilter { Changes: var changes }:
                    HeaderEditor.Apply(changes, proxyRequest.Headers, proxyRequest.Content?.Headers);
                    break;
                case UrlRewriteFilter rewrite:
                    if (rewrite.Hostname is not null)
                    {
                        proxyRequest.Headers.Host = rewrite.Hostname;
                    }

                    pathRewrite = rewrite.Path ?? pathRewrite;
                    break;
            }
        }

        proxyRequest.RequestUri = ForwardedPath.Destination(destinationPrefix, httpContext, pathRewrite, matchedPrefix);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null && retryCodes is not null && retryCodes.Contains((int)proxyResponse.StatusCode))
        {
            RetryRequested = true;
            return false; // Copy nothing: the forwarder will try another attempt.
        }

        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        foreach (var filter in filters)
        {
            if (filter is ResponseHeaderFilter { Changes: var changes })
            {
                HeaderEditor.Apply(changes, httpContext.Response.Headers);
            }
        }

        return result;
    }

    private static void AddForwardedHeaders(HttpContext context, HttpRequestMessage proxyRequest)
    {
        var headers = proxyRequest.Headers;
        var client = context.Connection.RemoteIpAddress;
        if (client is not null)
        {
            var previous = headers.TryGetValues("X-Forwarded-For", out var values) ? string.Join(", ", values) : null;
            headers.Remove("X-Forwarded-For");
            var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4().ToString() : client.ToString();
            headers.TryAddWithoutValidation("X-Forwarded-For", previous is null ? address : $"{previous}, {address}");
        }

        headers.Remove("X-Forwarded-Proto");
        headers.TryAddWithoutValidation("X-Forwarded-Proto", context.Request.Scheme);
        headers.Remove("X-Forwarded-Host");
        headers.TryAddWithoutValidation("X-Forwarded-Host", context.Request.Host.Value);
    }
}
