// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Gateway.Snapshot;

/// <summary>One Gateway listener that the data plane serves.</summary>
public sealed record Listener
{
    /// <summary>Stable id: gateway/{namespace}/{name}/listener/{listenerName}.</summary>
    public required string Id { get; init; }

    /// <summary>The owning Gateway as namespace/name. Listeners of different Gateways never share routes.</summary>
    public required string Gateway { get; init; }

    /// <summary>The IP address the listener binds.</summary>
    public required string Address { get; init; }

    /// <summary>The port the listener binds: the Gateway listener's port, or in a cluster its Service's target port.</summary>
    public required int Port { get; init; }

    /// <summary>The Gateway listener's own port, which clients address (redirects keep it); equals Port outside a cluster.</summary>
    public required int PublicPort { get; init; }

    public required ListenerProtocol Protocol { get; init; }

    /// <summary>The listener hostname (exact or *.suffix); null matches every host.</summary>
    public string? Hostname { get; init; }

    /// <summary>For HTTPS listeners: the certificates to serve (ids into ProxySnapshot.Certificates), first preferred.</summary>
    public ImmutableArray<string> CertificateIds { get; init; } = [];

    /// <summary>Log one line per request on this listener (its GatewayClass's ProxyConfig asks for it).</summary>
    public bool AccessLog { get; init; }

    /// <summary>Record request metrics by route too, not only by Gateway (its GatewayClass's ProxyConfig opts in).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool RouteLabels { get; init; }

    /// <summary>
    /// Share of requests that get a trace span (0 to 1; a sampled incoming traceparent always does) when the process
    /// exports traces; null or 0 is off (its GatewayClass's ProxyConfig sets spec.tracing.samplingRatio).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double? TracingSamplingRatio { get; init; }

    /// <summary>Timeouts for routes that set none (from the GatewayClass's ProxyConfig).</summary>
    public ListenerDefaults? Defaults { get; init; }

    /// <summary>The drain period its GatewayClass's ProxyConfig asks for on shutdown; the largest of all listeners wins.</summary>
    public TimeSpan? DrainPeriod { get; init; }

    /// <summary>Client connection limits (from the GatewayClass's ProxyConfig); null is unlimited.</summary>
    public ConnectionLimits? ConnectionLimits { get; init; }

    /// <summary>Passive health checking of the endpoints its routes reach (from its GatewayClass's ProxyConfig); null is the default.</summary>
    public PassiveHealthCheck? PassiveHealthCheck { get; init; }

    /// <summary>Active HTTP health checks of the endpoints its routes reach (from its GatewayClass's ProxyConfig); null is off.</summary>
    public ActiveHealthCheck? ActiveHealthCheck { get; init; }

    /// <summary>Request body size and client timeouts (from the GatewayClass's ProxyConfig); null uses the defaults.</summary>
    public ClientLimits? ClientLimits { get; init; }

    /// <summary>HTTP/2 limits for client connections (from the GatewayClass's ProxyConfig); null uses the defaults.</summary>
    public Http2Limits? Http2 { get; init; }

    /// <summary>For HTTPS listeners with frontend validation: the client certificates to accept.</summary>
    public ClientValidation? ClientValidation { get; init; }

    /// <summary>The certificate (an id into ProxySnapshot.Certificates) its Gateway presents to TLS backends, if any.</summary>
    public string? BackendClientCertificateId { get; init; }

    /// <summary>Its Gateway's spec.infrastructure labels and annotations, when it has any.</summary>
    public InfrastructureMetadata? Infrastructure { get; init; }

    /// <summary>Routes grouped by the hostname they answer for, most specific hostname first.</summary>
    public ImmutableArray<VirtualHost> VirtualHosts { get; init; } = [];

    /// <summary>
    /// For TLS passthrough and TCP listeners (<see cref="ProxySnapshot.Layer4Listeners"/>) instead of VirtualHosts: by
    /// hostname, most specific first, the route that carries the connections; a connection takes the first whose
    /// hostname covers its SNI name. A TCP listener has at most one, for "*".
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<Layer4Route> Layer4Routes { get; init; }
}
