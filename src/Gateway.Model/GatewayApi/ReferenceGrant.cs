// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

public sealed record V1ReferenceGrant : KubernetesObject
{
    public ReferenceGrantSpec Spec { get; init; } = new();
}

public sealed record ReferenceGrantSpec
{
    public ImmutableArray<ReferenceGrantFrom> From { get; init; } = [];
    public ImmutableArray<ReferenceGrantTo> To { get; init; } = [];
}

public sealed record ReferenceGrantFrom
{
    public string Group { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Namespace { get; init; } = "";
}

public sealed record ReferenceGrantTo
{
    public string Group { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? Name { get; init; }
}
