// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy.Pipeline;

/// <summary>
/// The path and query a backend receives: the client's request target byte for byte (Kestrel's RawTarget), not the
/// decoded Request.Path re-encoded, which turned "%2F" into "%252F". Two changes only: dot-segments are removed (as
/// Kestrel does before matching, "%2e" counting as "."), so the backend sees the path the route matched rather than
/// one that a backend that decodes differently could resolve elsewhere; and a URLRewrite replaces what it asks for,
/// with the rest of the path kept raw.
/// </summary>
internal static class ForwardedPath
{
    // Without it, Uri would unescape and re-escape the path (and compress "..") on its own terms.
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public static Uri Destination(string destinationPrefix, HttpContext context, PathRewrite? rewrite, string matchedPrefix) =>
        RawPathAndQuery(context, rewrite, matchedPrefix) is { } pathAndQuery
            ? new Uri(string.Concat(destinationPrefix.AsSpan().TrimEnd('/'), pathAndQuery), Verbatim)
            : Reencoded(destinationPrefix, context, rewrite, matchedPrefix);

    /// <summary>
    /// The request target (path and query) <see cref="Destination"/> would send, for writers of the request line: in the
    /// usual case (origin form, no dot-segment, no rewrite) the client's RawTarget instance itself, so nothing is allocated.
    /// </summary>
    public static string Target(HttpContext context, PathRewrite? rewrite, string matchedPrefix) =>
        RawPathAndQuery(context, rewrite, matchedPrefix) ?? Reencoded("http://localhost", context, rewrite, matchedPrefix).PathAndQuery;

    /// <summary>The raw path, dot-segments removed and rewritten, with the raw query; null when the target has no origin-form path.</summary>
    private static string? RawPathAndQuery(HttpContext context, PathRewrite? rewrite, string matchedPrefix)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var start = target is null ? -1 : PathStart(target);
        if (start < 0)
        {
            return null;
        }

        var queryStart = target!.IndexOf('?', start);
        var pathEnd = queryStart < 0 ? target.Length : queryStart;
        if (start == 0 && rewrite is null && !DotSegments.MayHaveDotSegment(target.AsSpan(0, pathEnd)))
        {
            return target;
        }

        var rawPath = DotSegments.Remove(target[start..pathEnd]);
        if (rewrite is not null)
        {
            rawPath = PathRewriter.RewriteRaw(rawPath, matchedPrefix, rewrite);
        }

        return queryStart < 0 ? rawPath : string.Concat(rawPath, target.AsSpan(queryStart));
    }

    /// <summary>No origin-form target to keep (e.g. "OPTIONS *"): the decoded path, re-encoded as YARP does.</summary>
    private static Uri Reencoded(string destinationPrefix, HttpContext context, PathRewrite? rewrite, string matchedPrefix)
    {
        var request = context.Request;
        var path = rewrite is null ? request.Path : new PathString(PathRewriter.Rewrite(request.Path.Value ?? "/", matchedPrefix, rewrite));
        return RequestUtilities.MakeDestinationAddress(destinationPrefix, path, request.QueryString);
    }

    /// <summary>Where the path starts: 0 in origin form ("/a?b"), after the authority in absolute form; -1 if there is none.</summary>
    private static int PathStart(string target)
    {
        if (target.StartsWith('/'))
        {
            return 0;
        }

        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return -1;
        }

        var slash = target.IndexOfAny(['/', '?'], scheme + 3);
        return slash >= 0 && target[slash] == '/' ? slash : -1;
    }
}
