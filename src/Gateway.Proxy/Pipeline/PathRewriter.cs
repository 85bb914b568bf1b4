// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Pipeline;

/// <summary>URLRewrite and RequestRedirect path rules.</summary>
internal static class PathRewriter
{
    /// <summary>
    /// ReplaceFullPath swaps the whole path. ReplacePrefixMatch swaps the matched prefix and keeps the rest,
    /// with exactly one '/' between them ("/foo" → "/" turns "/foo/bar" into "/bar").
    /// </summary>
    public static string Rewrite(string path, string matchedPrefix, PathRewrite rewrite)
    {
        if (rewrite.Type == PathRewriteType.ReplaceFullPath)
        {
            return rewrite.Value;
        }

        var prefix = matchedPrefix is "" or "/" ? "" : matchedPrefix;
        var rest = path.Length >= prefix.Length ? path[prefix.Length..] : "";
        return Join(rewrite.Value.TrimEnd('/'), rest);
    }

    /// <summary>
    /// As <see cref="Rewrite"/> on a raw (escaped) path, for forwarding: the replacement is escaped, and the rest of the
    /// path keeps its raw form. The matched prefix is a decoded path; decoding never adds or removes a '/' (Kestrel keeps
    /// "%2F"), so the raw rest starts after as many segments as the prefix has.
    /// </summary>
    public static string RewriteRaw(string rawPath, string matchedPrefix, PathRewrite rewrite)
    {
        if (rewrite.Type == PathRewriteType.ReplaceFullPath)
        {
            return new PathString(rewrite.Value).ToUriComponent();
        }

        var prefix = matchedPrefix is "" or "/" ? "" : matchedPrefix;
        var slash = -1; // The '/' that starts the prefix's last segment in the raw path.
        for (var segments = prefix.AsSpan().Count('/'); segments > 0 && (slash = rawPath.IndexOf('/', slash + 1)) >= 0; segments--)
        {
        }

        var restStart = slash < 0 && prefix.Length > 0 ? -1 : rawPath.IndexOf('/', slash + 1);
        var rest = restStart < 0 ? "" : rawPath[restStart..];
        return Join(new PathString(rewrite.Value.TrimEnd('/')).ToUriComponent(), rest);
    }

    private static string Join(string replacement, string rest)
    {
        var result = rest.Length == 0 ? replacement : replacement + (rest.StartsWith('/') ? rest : "/" + rest);
        return result.Length == 0 ? "/" : result;
    }
}
