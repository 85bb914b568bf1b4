// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Gateway.Model.Meta;

namespace Gateway.Model.Core;

public sealed record V1Service : KubernetesObject
{
    public ServiceSpec Spec { get; init; } = new();
    public ServiceStatus? Status { get; init; }
}

public sealed record ServiceSpec
{
    public string? Type { get; init; }
    public string? ClusterIP { get; init; }
    public ImmutableDictionary<string, string>? Selector { get; init; }
    public string? LoadBalancerIP { get; init; }
    public ImmutableArray<ServicePort> Ports { get; init; } = [];
}

public sealed record ServicePort
{
    public string? Name { get; init; }
    public int Port { get; init; }
    /// <summary>A number or a named container port; kept as text because both forms are legal.</summary>
    [JsonConverter(typeof(IntOrStringConverter))]
    public string? TargetPort { get; init; }
    public string? Protocol { get; init; }
    public string? AppProtocol { get; init; }

    /// <summary>Allocated by the API server for NodePort and LoadBalancer Services.</summary>
    public int? NodePort { get; init; }
}

/// <summary>Where a LoadBalancer Service is reachable, once its load balancer is provisioned.</summary>
public sealed record ServiceStatus
{
    public LoadBalancerStatus? LoadBalancer { get; init; }
}

public sealed record LoadBalancerStatus
{
    public ImmutableArray<LoadBalancerIngress> Ingress { get; init; } = [];
}

public sealed record LoadBalancerIngress
{
    public string? Ip { get; init; }
    public string? Hostname { get; init; }
}
