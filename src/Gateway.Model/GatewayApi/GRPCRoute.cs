// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

public sealed record V1GRPCRoute : KubernetesObject
{
    public GRPCRouteSpec Spec { get; init; } = new();
    public RouteStatus? Status { get; init; }
}

public sealed record GRPCRouteSpec
{
    public ImmutableArray<ParentReference> ParentRefs { get; init; } = [];
    public ImmutableArray<string> Hostnames { get; init; } = [];
    public ImmutableArray<GRPCRouteRule> Rules { get; init; } = [];
}

public sealed record GRPCRouteRule
{
    public string? Name { get; init; }
    public ImmutableArray<GRPCRouteMatch> Matches { get; init; } = [];
    public ImmutableArray<HTTPRouteFilter> Filters { get; init; } = [];
    public ImmutableArray<HTTPBackendRef> BackendRefs { get; init; } = [];
}

public sealed record GRPCRouteMatch
{
    public GRPCMethodMatch? Method { get; init; }
    public ImmutableArray<HTTPHeaderMatch> Headers { get; init; } = [];
}

public sealed record GRPCMethodMatch
{
    public string? Type { get; init; }
    public string? Service { get; init; }
    public string? Method { get; init; }
}
