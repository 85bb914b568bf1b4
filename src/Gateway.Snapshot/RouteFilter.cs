// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gateway.Snapshot;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RequestHeaderFilter), "requestHeaderModifier")]
[JsonDerivedType(typeof(ResponseHeaderFilter), "responseHeaderModifier")]
[JsonDerivedType(typeof(UrlRewriteFilter), "urlRewrite")]
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

/// <summary>ReplaceFullPath, or ReplacePrefixMatch of the matched PathPrefix.</summary>
public sealed record PathRewrite(PathRewriteType Type, string Value);

public enum PathRewriteType
{
    ReplaceFullPath,
    ReplacePrefixMatch,
}
