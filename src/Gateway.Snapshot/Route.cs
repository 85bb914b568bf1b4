// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Snapshot;

/// <summary>One match of one route rule, with what to do when it matches.</summary>
public sealed record Route
{
    /// <summary>Stable id: httproute/{namespace}/{name}/rule/{i}/match/{j}.</summary>
    public required string Id { get; init; }

    /// <summary>The route object as kind/namespace/name, the label used in metrics.</summary>
    public required string Owner { get; init; }

    public required RouteMatch Match { get; init; }

    /// <summary>Request and response filters, in the order the route lists them.</summary>
    public ImmutableArray<RouteFilter> Filters { get; init; } = [];

    public required RouteAction Action { get; init; }

    public RouteTimeouts? Timeouts { get; init; }

    /// <summary>Retries on the listed status codes (and connection failures that would answer one of them).</summary>
    public RouteRetry? Retry { get; init; }
}
