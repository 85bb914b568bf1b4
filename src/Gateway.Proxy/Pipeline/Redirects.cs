// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Pipeline;

/// <summary>RequestRedirect: the Location follows the spec's scheme, hostname, port and path rules.</summary>
internal static class Redirects
{
    public static void Write(HttpContext context, RedirectAction redirect, Listener listener, string matchedPrefix)
    {
        var request = context.Request;
        var scheme = redirect.Scheme ?? request.Scheme;
        var host = redirect.Hostname ?? request.Host.Host;

        // No port given: a new scheme implies its well-known port, otherwise the port the client addressed (the
        // Gateway listener's, not the container port a Service forwards it to).
        var port = redirect.Port ?? (redirect.Scheme is not null ? WellKnownPort(scheme) ?? listener.PublicPort : listener.PublicPort);
        var authority = port == WellKnownPort(scheme) ? host : $"{host}:{port}";
        var path = redirect.Path is null ? request.Path.Value ?? "/" : PathRewriter.Rewrite(request.Path.Value ?? "/", matchedPrefix, redirect.Path);

        context.Response.StatusCode = redirect.StatusCode;
        context.Response.Headers.Location = $"{scheme}://{authority}{path}{request.QueryString}";
    }

    private static int? WellKnownPort(string scheme) => scheme switch
    {
        "http" => 80,
        "https" => 443,
        _ => null,
    };
}
