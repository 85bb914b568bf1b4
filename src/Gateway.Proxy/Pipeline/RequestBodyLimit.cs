// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Gateway.Proxy.Listeners;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Pipeline;

/// <summary>
/// Request bodies are streamed to the backend with no size limit (Kestrel's 30 MB default stays on the admin
/// server only), unless the listener's ProxyConfig sets limits.maxRequestBodySize. A body the client declares too
/// large is answered 413 before anything is forwarded; a chunked one that grows past the limit fails the copy,
/// and is answered 413 too if the backend has not answered yet. A body the client fails to send is the client's
/// fault: 400 (or nothing, if it went away), never a 502 that blames the backend.
/// </summary>
internal static class RequestBodyLimit
{
    /// <summary>
    /// Sets the request's limit; true when its Content-Length already exceeds it and 413 must be answered. A body
    /// without Content-Length is counted as it is read (<see cref="LimitedRequestBody"/>) rather than by Kestrel's
    /// limit, which stays on only where it cannot trip (a declared length within the limit).
    /// </summary>
    public static bool Apply(HttpContext context, ClientLimits? limits)
    {
        var max = limits?.MaxRequestBodySize;
        var request = context.Request;
        var declared = request.ContentLength is not null;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = declared ? max : null;
        }

        if (max is null)
        {
            return false;
        }

        if (declared)
        {
            return request.ContentLength > max;
        }

        // A request that cannot have a body (no Content-Length, not chunked: most GETs) needs no counting.
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
        {
            request.Body = new LimitedRequestBody(request.Body, max.Value);
        }

        return false;
    }

    /// <summary>
    /// Answers a client-side body failure (413 or 400) and ends the connection: the rest of the body is not worth
    /// forwarding. On HTTP/1.x the close lingers (<see cref="LingeringClose"/>), so a client still sending reads the answer.
    /// </summary>
    public static Task WriteClientFailureAsync(HttpContext context, int status)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        if (!HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
            context.Features.Get<TransportHold>()?.RequestLinger();
        }

        var max = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? (context.Request.Body as LimitedRequestBody)?.Limit;
        return ErrorResponses.WriteAsync(context, status, status == StatusCodes.Status413PayloadTooLarge
            ? $"The request body is larger than this listener's limit of {max?.ToString(CultureInfo.InvariantCulture)} bytes."
            : "The request body could not be read.");
    }

    /// <summary>
    /// For a failed forward: when the client's side of the body failed (too large, cut short, malformed), the status
    /// to answer instead of 502; null when the failure was the backend's.
    /// </summary>
    public static int? ClientFailureStatus(HttpContext context, ForwarderError error)
    {
        if (error != ForwarderError.RequestBodyClient)
        {
            return null;
        }

        for (var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception; exception is not null; exception = exception.InnerException)
        {
            if (exception is BadHttpRequestException bad)
            {
                return bad.StatusCode;
            }
        }

        return StatusCodes.Status400BadRequest;
    }
}
