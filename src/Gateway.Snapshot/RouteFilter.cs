// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gateway.Snapshot;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RequestHeaderFilter), "requestHeaderModifier")]
[JsonDerivedType(typeof(ResponseHeaderFilter), "responseHeaderModifier")]
[JsonDerivedType(typeof(UrlRewriteFilter), "urlRewrite")]
[JsonDerivedType(typeof(RequestMirrorFilter), "requestMirror")]
[JsonDerivedType(typeof(CorsFilter), "cors")]
public abstract record RouteFilter;

public sealed record HeaderChanges
{
    public ImmutableArray<KeyValuePair<string, string>> Set { get; init; } = [];
    public ImmutableArray<KeyValuePair<string, string>> Add { get; init; } = [];
    public ImmutableArray<string> Remove { get; init; } = [];
}

public sealed record RequestHeaderFilter(HeaderChanges Changes) : RouteFilter;

public sealed record ResponseHeaderFilter(HeaderChanges Changes) : RouteFilter;

public sealed record UrlRewriteFilter(string? Hostname, PathRewrite? Path) : RouteFilter;

/// <summary>Sends a copy of the request to another cluster; its answer is ignored. Percent is 0–100.</summary>
public sealed record RequestMirrorFilter(string ClusterId, double Percent) : RouteFilter;

/// <summary>ReplaceFullPath, or ReplacePrefixMatch of the matched PathPrefix.</summary>
public sealed record PathRewrite(PathRewriteType Type, string Value);

public enum PathRewriteType
{
    ReplaceFullPath,
    ReplacePrefixMatch,
}

/// <summary>CORS: answers preflights itself and adds the allow headers to responses for allowed origins.</summary>
public sealed record CorsFilter : RouteFilter
{
    public ImmutableArray<string> AllowOrigins { get; init; } = [];
    public bool AllowCredentials { get; init; }
    public ImmutableArray<string> AllowMethods { get; init; } = [];
    public ImmutableArray<string> AllowHeaders { get; init; } = [];
    public ImmutableArray<string> ExposeHeaders { get; init; } = [];
    public int? MaxAge { get; init; }
}
