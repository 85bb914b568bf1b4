// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Text.Json.Serialization;
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
    public ProxyConfigHealthCheck? HealthCheck { get; init; }
    public ProxyConfigLimits? Limits { get; init; }
    public ProxyConfigShutdown? Shutdown { get; init; }
    public ProxyConfigMetrics? Metrics { get; init; }
    public ProxyConfigHttp2? Http2 { get; init; }
    public ProxyConfigTracing? Tracing { get; init; }
}

/// <summary>OpenTelemetry tracing of the class's requests; the exporter itself is configured by the OTEL_* environment variables.</summary>
public sealed record ProxyConfigTracing
{
    /// <summary>Share of requests without a sampled parent that get a span, 0 to 1 (a sampled traceparent is always continued).</summary>
    public double? SamplingRatio { get; init; }
}

/// <summary>HTTP/2 limits for client connections (h2 by ALPN, and h2c on cleartext listeners).</summary>
public sealed record ProxyConfigHttp2
{
    public int? MaxConcurrentStreams { get; init; }
    public int? MaxFrameSize { get; init; }
    public int? MaxHeaderFieldSize { get; init; }
    public string? KeepAlivePingInterval { get; init; }
    public string? KeepAlivePingTimeout { get; init; }
}

/// <summary>What the request metrics are labelled by.</summary>
public sealed record ProxyConfigMetrics
{
    /// <summary>True adds a "route" label to request metrics (default: by Gateway only, which stays bounded at any number of routes).</summary>
    public bool? RouteLabels { get; init; }
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

    /// <summary>How long a client may take to send a request's headers.</summary>
    public string? RequestHeaders { get; init; }

    /// <summary>How long a client connection may stay open with no request in flight.</summary>
    public string? ClientIdle { get; init; }
}

/// <summary>Per-socket client connection limits for the listeners of the class.</summary>
public sealed record ProxyConfigConnectionLimits
{
    public int? MaxConnections { get; init; }
    public int? MaxRequestsPerConnection { get; init; }
}

/// <summary>How the endpoints behind the class's routes are checked.</summary>
public sealed record ProxyConfigHealthCheck
{
    public ProxyConfigPassiveHealthCheck? Passive { get; init; }
    public ProxyConfigActiveHealthCheck? Active { get; init; }
}

/// <summary>Periodic HTTP GETs to every endpoint; off unless enabled.</summary>
public sealed record ProxyConfigActiveHealthCheck
{
    public bool? Enabled { get; init; }

    /// <summary>The path (and query) of the GET, starting with "/".</summary>
    public string? Path { get; init; }

    /// <summary>The Host header of the GET; unset sends the endpoint's address:port.</summary>
    public string? Hostname { get; init; }
    public string? Interval { get; init; }
    public string? Timeout { get; init; }
    public int? UnhealthyThreshold { get; init; }
    public int? HealthyThreshold { get; init; }

    /// <summary>Status code ranges that pass; unset is 200-399.</summary>
    public ImmutableArray<ProxyConfigStatusRange>? ExpectedStatuses { get; init; }
}

/// <summary>Status codes from min to max, both included; max unset is min alone.</summary>
public sealed record ProxyConfigStatusRange
{
    public int? Min { get; init; }
    public int? Max { get; init; }
}

/// <summary>Outlier detection from real traffic: endpoints whose connections fail are left out for a back-off period.</summary>
public sealed record ProxyConfigPassiveHealthCheck
{
    /// <summary>False turns ejection off (connection failures are still retried once on another endpoint).</summary>
    public bool? Enabled { get; init; }
    public int? ConsecutiveFailures { get; init; }
    public string? BaseEjectionTime { get; init; }
    public string? MaxEjectionTime { get; init; }
}

/// <summary>Limits on what a client may send through the listeners of the class.</summary>
public sealed record ProxyConfigLimits
{
    /// <summary>A Kubernetes quantity ("10Mi", "1G") or a number of bytes; unset is unlimited.</summary>
    [JsonConverter(typeof(IntOrStringConverter))]
    public string? MaxRequestBodySize { get; init; }
}
