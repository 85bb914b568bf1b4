// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Translation.Attachment;

/// <summary>Gateway API hostname rules: "*.example.com" matches any number of labels before example.com.</summary>
internal static class Hostnames
{
    public const string Any = "*";

    public static bool IsWildcard(string hostname) => hostname.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>True when the concrete or wildcard <paramref name="host"/> falls under <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string host)
    {
        if (pattern == Any)
        {
            return true;
        }

        if (!IsWildcard(pattern))
        {
            return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
        }

        var suffix = pattern[1..]; // ".example.com"
        return host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
            && (!IsWildcard(host) || host.Length > pattern.Length);
    }

    /// <summary>
    /// The hostnames a route answers on for a listener: the route's hostnames that intersect the listener's,
    /// each narrowed to the more specific of the two. Null listener hostname accepts everything.
    /// Returns ["*"] when neither side constrains the host, and an empty list when nothing intersects.
    /// </summary>
    public static IReadOnlyList<string> Intersect(string? listenerHostname, IReadOnlyList<string> routeHostnames)
    {
        var listener = string.IsNullOrEmpty(listenerHostname) ? Any : listenerHostname.ToLowerInvariant();
        if (routeHostnames.Count == 0)
        {
            return [listener];
        }

        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in routeHostnames)
        {
            var route = raw.ToLowerInvariant();
            if (Matches(listener, route) || listener == route)
            {
                result.Add(route);
            }
            else if (Matches(route, listener))
            {
                result.Add(listener);
            }
        }

        return [.. result];
    }

    /// <summary>Higher is more specific: exact names, then longer wildcards, then "*".</summary>
    public static int Specificity(string hostname) =>
        hostname == Any ? 0 : IsWildcard(hostname) ? hostname.Length : 100_000 + hostname.Length;
}
