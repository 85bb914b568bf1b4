// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

/// <summary>Listeners added to a Gateway that allows them (spec.allowedListeners); routes may name it as their parent.</summary>
public sealed record V1ListenerSet : KubernetesObject
{
    public const string KindName = "ListenerSet";

    public ListenerSetSpec Spec { get; init; } = new();
    public ListenerSetStatus? Status { get; init; }
}

public sealed record ListenerSetSpec
{
    public ParentGatewayReference ParentRef { get; init; } = new();

    /// <summary>ListenerEntry has the fields of a Gateway listener, so it is read into the same record.</summary>
    public ImmutableArray<Listener> Listeners { get; init; } = [];
}

public sealed record ParentGatewayReference
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string Name { get; init; } = "";
    public string? Namespace { get; init; }
}

public sealed record ListenerSetStatus
{
    public ImmutableArray<Condition> Conditions { get; init; } = [];

    /// <summary>ListenerEntryStatus has the fields of a Gateway's ListenerStatus.</summary>
    public ImmutableArray<ListenerStatus> Listeners { get; init; } = [];
}
