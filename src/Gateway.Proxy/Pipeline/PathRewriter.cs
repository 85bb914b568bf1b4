// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;

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
        var replacement = rewrite.Value.TrimEnd('/');
        var result = rest.Length == 0 ? replacement : replacement + (rest.StartsWith('/') ? rest : "/" + rest);
        return result.Length == 0 ? "/" : result;
    }
}
