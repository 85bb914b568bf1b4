// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

/// <summary>A route for plain TCP connections: everything a listener accepts goes to its backends.</summary>
public sealed record V1TCPRoute : KubernetesObject
{
    public Layer4RouteSpec Spec { get; init; } = new();
    public RouteStatus? Status { get; init; }
}

/// <summary>The spec of a TCPRoute or UDPRoute: parents and (at most one in v1) rule, no hostnames.</summary>
public sealed record Layer4RouteSpec
{
    public ImmutableArray<ParentReference> ParentRefs { get; init; } = [];
    public ImmutableArray<Layer4RouteRule> Rules { get; init; } = [];
}
