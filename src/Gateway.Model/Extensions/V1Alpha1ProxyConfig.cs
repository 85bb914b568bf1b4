// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.Extensions;

/// <summary>Our GatewayClass parameters (gateway.seed.dev/v1alpha1 ProxyConfig).</summary>
public sealed record V1Alpha1ProxyConfig : KubernetesObject
{
    public const string Group = "gateway.seed.dev";
    public const string KindName = "ProxyConfig";

    public ProxyConfigSpec Spec { get; init; } = new();
    public ProxyConfigStatus? Status { get; init; }
}

/// <summary>Connected (are the proxies receiving configuration) and when they last did.</summary>
public sealed record ProxyConfigStatus
{
    public ImmutableArray<Condition> Conditions { get; init; } = [];
    public DateTimeOffset? LastSyncTime { get; init; }
}

public sealed record ProxyConfigSpec
{
    public bool? AccessLog { get; init; }
    public ProxyConfigTimeouts? Timeouts { get; init; }
    public ProxyConfigConnectionLimits? ConnectionLimits { get; init; }
    public ProxyConfigService? Service { get; init; }
    public ProxyConfigShutdown? Shutdown { get; init; }
}

/// <summary>How the gateway stops: how long listeners keep serving after SIGTERM while /readyz answers 503.</summary>
public sealed record ProxyConfigShutdown
{
    public string? DrainPeriod { get; init; }
}

/// <summary>The Service made for each Gateway of the class in a cluster: its type and extra annotations (e.g. for a cloud load balancer).</summary>
public sealed record ProxyConfigService
{
    /// <summary>LoadBalancer (default), NodePort or ClusterIP.</summary>
    public string? Type { get; init; }
    public ImmutableDictionary<string, string>? Annotations { get; init; }
}

/// <summary>Defaults for the routes of the class: request (whole request) and idle (backend inactivity).</summary>
public sealed record ProxyConfigTimeouts
{
    public string? Request { get; init; }
    public string? Idle { get; init; }
}

/// <summary>Per-socket client connection limits for the listeners of the class.</summary>
public sealed record ProxyConfigConnectionLimits
{
    public int? MaxConnections { get; init; }
    public int? MaxRequestsPerConnection { get; init; }
}
