// SPDX-License-Identifier: Apache-2.0
// One kind per file: the kind's record and the spec/status records only it uses.
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

public sealed record V1GatewayClass : KubernetesObject
{
    public GatewayClassSpec Spec { get; init; } = new();
    public GatewayClassStatus? Status { get; init; }
}

public sealed record GatewayClassSpec
{
    public string ControllerName { get; init; } = "";
    public ParametersReference? ParametersRef { get; init; }
    public string? Description { get; init; }
}

public sealed record ParametersReference
{
    public string Group { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Namespace { get; init; }
}

public sealed record GatewayClassStatus
{
    public ImmutableArray<Condition> Conditions { get; init; } = [];
    public ImmutableArray<SupportedFeature> SupportedFeatures { get; init; } = [];
}

public sealed record SupportedFeature
{
    public required string Name { get; init; }
}
