// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Gateway.Proxy.Matching;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Proxy.Diagnostics;

/// <summary>
/// The gateway's server span per request. The proxy is its own sampler: a request whose listener has no sampling
/// ratio, or a process that exports no traces (nothing listens to <see cref="Source"/>), creates no Activity at all.
/// A sampled incoming traceparent is always continued; otherwise the listener's ratio decides. The span then
/// replaces the request's traceparent, so the backend's span has the gateway's as its parent; tracestate passes on.
/// </summary>
public static class ProxyTracing
{
    public const string SourceName = "Gateway.Proxy";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the request's span when the listener and the process trace; null (nothing created) otherwise.</summary>
    internal static Activity? Start(HttpContext context, CompiledListener? listener, CompiledRoute? route)
    {
        if (listener?.Listener.TracingSamplingRatio is not { } ratio || !Source.HasListeners())
        {
            return null;
        }

        var headers = context.Request.Headers;
        var hasParent = ActivityContext.TryParse(headers.TraceParent.ToString(), headers.TraceState.ToString(), isRemote: true, out var parent);
        var sampled = hasParent && parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded);
        if (!sampled && Random.Shared.NextDouble() >= ratio)
        {
            return null;
        }

        var request = context.Request;
        var routeName = route?.Route.Owner;
        var activity = Source.StartActivity(routeName is null ? request.Method : $"{request.Method} {routeName}", ActivityKind.Server,
            hasParent ? parent : default);
        if (activity is null)
        {
            return null;
        }

        activity.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("server.address", request.Host.Host);
        activity.SetTag("network.protocol.name", "http");
        activity.SetTag("network.protocol.version", request.Protocol);
        activity.SetTag("user_agent.original", request.Headers.UserAgent.ToString());
        activity.SetTag("client.address", context.Connection.RemoteIpAddress?.ToString());
        activity.SetTag("gateway.listener", listener.Listener.Id);
        if (routeName is not null)
        {
            activity.SetTag("http.route", routeName);
        }

        // The backend continues the trace under the gateway's span; Activity.Id is the W3C traceparent value.
        headers[HeaderNames.TraceParent] = activity.Id;
        return activity;
    }

    /// <summary>Records the outcome and ends the span.</summary>
    internal static void Stop(Activity activity, HttpContext context, string upstream, string? requestId)
    {
        var status = context.Response.StatusCode;
        activity.SetTag("http.response.status_code", status);
        activity.SetTag("gateway.upstream.endpoint", upstream);
        if (requestId is not null)
        {
            activity.SetTag("gateway.request_id", requestId);
        }

        if (status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Dispose();
    }
}
