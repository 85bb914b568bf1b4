// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Matching;

/// <summary>
/// One route's conditions, compiled once when a snapshot is applied. Regular expressions run on the
/// linear-time engine with a timeout (they are user input) and must match the whole value, as in Envoy.
/// </summary>
internal sealed class CompiledMatch
{
    private static readonly TimeSpan _regexTimeout = TimeSpan.FromMilliseconds(50);
    private readonly PathMatchType _pathType;
    private readonly string _path;
    private readonly Regex? _pathRegex;
    private readonly string? _method;
    private readonly (string Name, string Value, Regex? Pattern)[] _headers;
    private readonly (string Name, string Value, Regex? Pattern)[] _query;

    public CompiledMatch(RouteMatch match)
    {
        _pathType = match.Path.Type;
        _path = match.Path.Type == PathMatchType.PathPrefix && match.Path.Value.Length > 1
            ? match.Path.Value.TrimEnd('/')
            : match.Path.Value;
        _pathRegex = match.Path.Type == PathMatchType.RegularExpression ? Compile(match.Path.Value) : null;
        _method = match.Method;
        _headers = [.. match.Headers.Select(Compile)];
        _query = [.. match.QueryParams.Select(Compile)];
    }

    /// <summary>The matched path prefix, for ReplacePrefixMatch rewrites.</summary>
    public string PrefixForRewrite => _pathType == PathMatchType.PathPrefix ? _path : "";

    public bool Matches(HttpRequest request) => FirstFailure(request).Condition == MatchCondition.None;

    /// <summary>
    /// The first condition the request fails, in the order they are checked (path, method, headers, query), or
    /// <see cref="MatchCondition.None"/> when all hold. <see cref="Matches(HttpRequest)"/> is this, so `gateway explain` says exactly
    /// why the proxy passed a route over. Index is the header's or query parameter's position in the route's match.
    /// </summary>
    public MatchFailure FirstFailure(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        if (!MatchesPath(path))
        {
            return new(MatchCondition.Path, 0);
        }

        if (_method is not null && !string.Equals(request.Method, _method, StringComparison.Ordinal))
        {
            return new(MatchCondition.Method, 0);
        }

        for (var i = 0; i < _headers.Length; i++)
        {
            var (name, value, pattern) = _headers[i];
            if (!request.Headers.TryGetValue(name, out var values) || !Matches(values.ToString(), value, pattern))
            {
                return new(MatchCondition.Header, i);
            }
        }

        for (var i = 0; i < _query.Length; i++)
        {
            var (name, value, pattern) = _query[i];
            if (!QueryParameterMatches(request.QueryString.Value, name, value, pattern))
            {
                return new(MatchCondition.QueryParam, i);
            }
        }

        return default;
    }

    /// <summary>
    /// Whether the first value of a query parameter, found by its exact (case-sensitive) name, matches. ASP.NET Core's
    /// Request.Query compares names case-insensitively, which Gateway API forbids. Read in place: only a name or value
    /// with an escape ('%' or '+') is decoded into a new string.
    /// </summary>
    private static bool QueryParameterMatches(string? query, string name, string expected, Regex? pattern)
    {
        if (string.IsNullOrEmpty(query))
        {
            return false;
        }

        var parameters = query.AsSpan(query[0] == '?' ? 1 : 0);
        foreach (var range in parameters.Split('&'))
        {
            var part = parameters[range];
            var equals = part.IndexOf('=');
            if (Unescape(equals < 0 ? part : part[..equals]).SequenceEqual(name))
            {
                return Matches(equals < 0 ? [] : Unescape(part[(equals + 1)..]), expected, pattern);
            }
        }

        return false;
    }

    private static ReadOnlySpan<char> Unescape(ReadOnlySpan<char> text) =>
        text.IndexOfAny('%', '+') < 0 ? text : Uri.UnescapeDataString(text.ToString().Replace('+', ' '));

    private bool MatchesPath(string path) => _pathType switch
    {
        PathMatchType.Exact => string.Equals(path, _path, StringComparison.Ordinal),
        PathMatchType.RegularExpression => SafeIsMatch(_pathRegex!, path),
        _ => _path == "/"
            || (path.StartsWith(_path, StringComparison.Ordinal) && (path.Length == _path.Length || path[_path.Length] == '/')),
    };

    private static bool Matches(ReadOnlySpan<char> actual, string expected, Regex? pattern) =>
        pattern is null ? actual.SequenceEqual(expected) : SafeIsMatch(pattern, actual);

    private static bool SafeIsMatch(Regex regex, ReadOnlySpan<char> input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static (string, string, Regex?) Compile(Snapshot.ValueMatch match) =>
        (match.Name, match.Value, match.Type == ValueMatchType.RegularExpression ? Compile(match.Value) : null);

    private static Regex Compile(string pattern) =>
        new($"^(?:{pattern})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, _regexTimeout);
}

/// <summary>Which condition of a route's match a request failed first.</summary>
internal enum MatchCondition
{
    None,
    Path,
    Method,
    Header,
    QueryParam,
}

/// <param name="Index">For a header or query parameter: its position in the route's match.</param>
internal readonly record struct MatchFailure(MatchCondition Condition, int Index);
