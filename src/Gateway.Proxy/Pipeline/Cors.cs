// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Pipeline;

/// <summary>
/// The CORS filter. A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered here and
/// never reaches the backend; other requests from an allowed origin get the allow headers on their response.
/// The allowed origin is always echoed (never "*"), which is valid with and without credentials.
/// </summary>
internal static class Cors
{
    /// <summary>Returns true when the request was a preflight and has been answered.</summary>
    public static bool Apply(HttpContext context, CorsFilter cors)
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        var allowed = cors.AllowOrigins.Any(pattern => OriginMatches(pattern, origin));
        var preflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");
        if (preflight)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            if (allowed)
            {
                var headers = context.Response.Headers;
                AddCommon(headers, cors, origin);
                headers.AccessControlAllowMethods = List(cors.AllowMethods, request.Headers.AccessControlRequestMethod.ToString());
                var requestedHeaders = request.Headers.AccessControlRequestHeaders.ToString();
                if (cors.AllowHeaders.Length > 0)
                {
                    headers.AccessControlAllowHeaders = List(cors.AllowHeaders, requestedHeaders);
                }

                if (cors.MaxAge is { } maxAge)
                {
                    headers.AccessControlMaxAge = maxAge.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return true;
        }

        if (allowed)
        {
            context.Response.OnStarting(() =>
            {
                AddCommon(context.Response.Headers, cors, origin);
                return Task.CompletedTask;
            });
        }

        return false;
    }

    private static void AddCommon(IHeaderDictionary headers, CorsFilter cors, string origin)
    {
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = "Origin";
        if (cors.AllowCredentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (cors.ExposeHeaders.Length > 0)
        {
            headers.AccessControlExposeHeaders = string.Join(", ", cors.ExposeHeaders);
        }
    }

    /// <summary>"*" answers with what was asked for (so it also works with credentials).</summary>
    private static string List(IReadOnlyCollection<string> allowed, string requested) =>
        allowed.Contains("*") ? (requested.Length > 0 ? requested : "*") : string.Join(", ", allowed);

    /// <summary>"*", an exact origin, or a scheme with a wildcard host ("https://*.example.com", any depth).</summary>
    internal static bool OriginMatches(string pattern, string origin)
    {
        if (pattern == "*" || string.Equals(pattern, origin, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var star = pattern.IndexOf("://*.", StringComparison.Ordinal);
        if (star < 0)
        {
            return false;
        }

        var scheme = pattern[..(star + 3)];
        var suffix = pattern[(star + 4)..]; // ".example.com"
        return origin.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && origin.Length > scheme.Length + suffix.Length
            && origin.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }
}
