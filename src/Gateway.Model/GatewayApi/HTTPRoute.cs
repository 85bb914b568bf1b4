// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

public sealed record V1HTTPRoute : KubernetesObject
{
    public HTTPRouteSpec Spec { get; init; } = new();
    public RouteStatus? Status { get; init; }
}

public sealed record HTTPRouteSpec
{
    public ImmutableArray<ParentReference> ParentRefs { get; init; } = [];
    public ImmutableArray<string> Hostnames { get; init; } = [];
    public ImmutableArray<HTTPRouteRule> Rules { get; init; } = [];
}

public sealed record HTTPRouteRule
{
    public string? Name { get; init; }
    public ImmutableArray<HTTPRouteMatch> Matches { get; init; } = [];
    public ImmutableArray<HTTPRouteFilter> Filters { get; init; } = [];
    public ImmutableArray<HTTPBackendRef> BackendRefs { get; init; } = [];
    public HTTPRouteTimeouts? Timeouts { get; init; }
    public HTTPRouteRetry? Retry { get; init; }
}

public sealed record HTTPRouteMatch
{
    public HTTPPathMatch? Path { get; init; }
    public ImmutableArray<HTTPHeaderMatch> Headers { get; init; } = [];
    public ImmutableArray<HTTPHeaderMatch> QueryParams { get; init; } = [];
    public string? Method { get; init; }
}

public sealed record HTTPPathMatch
{
    public string? Type { get; init; }
    public string? Value { get; init; }
}

/// <summary>Header and query parameter matches share this shape.</summary>
public sealed record HTTPHeaderMatch
{
    public string? Type { get; init; }
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
}

public sealed record HTTPBackendRef
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string Name { get; init; } = "";
    public string? Namespace { get; init; }
    public int? Port { get; init; }
    public int? Weight { get; init; }
    public ImmutableArray<HTTPRouteFilter> Filters { get; init; } = [];
}

public sealed record HTTPRouteTimeouts
{
    public string? Request { get; init; }
    public string? BackendRequest { get; init; }
}

public sealed record HTTPRouteRetry
{
    public ImmutableArray<int> Codes { get; init; } = [];
    public int? Attempts { get; init; }
    public string? Backoff { get; init; }
}

public sealed record HTTPRouteFilter
{
    public string Type { get; init; } = "";
    public HTTPHeaderFilter? RequestHeaderModifier { get; init; }
    public HTTPHeaderFilter? ResponseHeaderModifier { get; init; }
    public HTTPRequestRedirectFilter? RequestRedirect { get; init; }
    public HTTPURLRewriteFilter? UrlRewrite { get; init; }
    public HTTPRequestMirrorFilter? RequestMirror { get; init; }
    public HTTPCorsFilter? Cors { get; init; }
    public LocalObjectReference? ExtensionRef { get; init; }
}

public sealed record HTTPHeaderFilter
{
    public ImmutableArray<HTTPHeader> Set { get; init; } = [];
    public ImmutableArray<HTTPHeader> Add { get; init; } = [];
    public ImmutableArray<string> Remove { get; init; } = [];
}

public sealed record HTTPHeader
{
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
}

public sealed record HTTPRequestRedirectFilter
{
    public string? Scheme { get; init; }
    public string? Hostname { get; init; }
    public HTTPPathModifier? Path { get; init; }
    public int? Port { get; init; }
    public int? StatusCode { get; init; }
}

public sealed record HTTPURLRewriteFilter
{
    public string? Hostname { get; init; }
    public HTTPPathModifier? Path { get; init; }
}

public sealed record HTTPPathModifier
{
    public string Type { get; init; } = "";
    public string? ReplaceFullPath { get; init; }
    public string? ReplacePrefixMatch { get; init; }
}

public sealed record HTTPRequestMirrorFilter
{
    public HTTPBackendRef BackendRef { get; init; } = new();
    public int? Percent { get; init; }
    public Fraction? Fraction { get; init; }
}

public sealed record Fraction
{
    public int Numerator { get; init; }
    public int? Denominator { get; init; }
}

public sealed record HTTPCorsFilter
{
    public ImmutableArray<string> AllowOrigins { get; init; } = [];
    public bool? AllowCredentials { get; init; }
    public ImmutableArray<string> AllowMethods { get; init; } = [];
    public ImmutableArray<string> AllowHeaders { get; init; } = [];
    public ImmutableArray<string> ExposeHeaders { get; init; } = [];
    public int? MaxAge { get; init; }
}

public sealed record LocalObjectReference
{
    public string Group { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
}
