// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.Core;

public sealed record V1EndpointSlice : KubernetesObject
{
    /// <summary>The label that ties a slice to its Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public string AddressType { get; init; } = "IPv4";
    public ImmutableArray<Endpoint> Endpoints { get; init; } = [];
    public ImmutableArray<EndpointPort> Ports { get; init; } = [];

    public string? ServiceName =>
        Metadata.Labels is { } labels && labels.TryGetValue(ServiceNameLabel, out var name) ? name : null;
}

public sealed record Endpoint
{
    public ImmutableArray<string> Addresses { get; init; } = [];
    public EndpointConditions? Conditions { get; init; }
}

public sealed record EndpointConditions
{
    public bool? Ready { get; init; }
    public bool? Serving { get; init; }
    public bool? Terminating { get; init; }
}

public sealed record EndpointPort
{
    public string? Name { get; init; }
    public int? Port { get; init; }
    public string? Protocol { get; init; }
    public string? AppProtocol { get; init; }
}
