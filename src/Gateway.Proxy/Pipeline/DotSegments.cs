// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Proxy.Pipeline;

/// <summary>
/// RFC 3986 remove_dot_segments on a raw (still escaped) path, with "%2e" read as "." as Kestrel decodes it before
/// normalising, so the result has the same segments as the Request.Path a route matched. Only '/' separates
/// segments: "%2F" does not, for Kestrel either.
/// </summary>
internal static class DotSegments
{
    /// <summary>The path without "." and ".." segments; the same instance when it has none (the usual case).</summary>
    public static string Remove(string path)
    {
        if (!MayHaveDotSegment(path))
        {
            return path;
        }

        var segments = path.Split('/');
        var output = new List<string>(segments.Length);
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            var dots = Dots(segment);
            if (dots == 0)
            {
                output.Add(segment);
                continue;
            }

            if (dots == 2 && output.Count > 0)
            {
                output.RemoveAt(output.Count - 1);
            }

            if (last)
            {
                output.Add(""); // "/a/b/.." is "/a/": the path still ends in a directory.
            }
        }

        return "/" + string.Join('/', output);
    }

    /// <summary>False when the path certainly has no "." or ".." segment (then <see cref="Remove"/> would change nothing).</summary>
    public static bool MayHaveDotSegment(ReadOnlySpan<char> path)
    {
        for (var i = path.IndexOf('/'); i >= 0 && i < path.Length - 1;)
        {
            var next = path[i + 1];
            if (next == '.' || (next == '%' && path[(i + 1)..].StartsWith("%2e", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            var slash = path[(i + 1)..].IndexOf('/');
            i = slash < 0 ? -1 : i + 1 + slash;
        }

        return false;
    }

    /// <summary>1 for ".", 2 for "..", each dot written as "." or "%2e"; 0 for any other segment.</summary>
    private static int Dots(string segment)
    {
        var dots = 0;
        for (var i = 0; i < segment.Length; dots++)
        {
            if (segment[i] == '.')
            {
                i++;
            }
            else if (segment.AsSpan(i).StartsWith("%2e", StringComparison.OrdinalIgnoreCase))
            {
                i += 3;
            }
            else
            {
                return 0;
            }
        }

        return dots <= 2 ? dots : 0;
    }
}
