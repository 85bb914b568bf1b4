// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

/// <summary>Shared by every route kind.</summary>
public sealed record RouteStatus
{
    public ImmutableArray<RouteParentStatus> Parents { get; init; } = [];
}

public sealed record RouteParentStatus
{
    public required ParentReference ParentRef { get; init; }
    public required string ControllerName { get; init; }
    public ImmutableArray<Condition> Conditions { get; init; } = [];
}

public sealed record ParentReference
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string? Namespace { get; init; }
    public string Name { get; init; } = "";
    public string? SectionName { get; init; }
    public int? Port { get; init; }
}
