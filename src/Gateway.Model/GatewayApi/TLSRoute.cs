// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

/// <summary>A route for TLS connections, chosen by the ClientHello's server name (SNI), never by anything inside the stream.</summary>
public sealed record V1TLSRoute : KubernetesObject
{
    public TLSRouteSpec Spec { get; init; } = new();
    public RouteStatus? Status { get; init; }
}

public sealed record TLSRouteSpec
{
    public ImmutableArray<ParentReference> ParentRefs { get; init; } = [];
    public ImmutableArray<string> Hostnames { get; init; } = [];

    /// <summary>At most one rule in v1.</summary>
    public ImmutableArray<Layer4RouteRule> Rules { get; init; } = [];
}

/// <summary>
/// A rule of a TLSRoute, TCPRoute or UDPRoute: only backends. Their backendRefs have no filters; the HTTP form is
/// reused so that one backend translation serves every route kind (its filters stay empty).
/// </summary>
public sealed record Layer4RouteRule
{
    public string? Name { get; init; }
    public ImmutableArray<HTTPBackendRef> BackendRefs { get; init; } = [];
}
