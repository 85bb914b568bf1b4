// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Meta;

namespace Gateway.Model.GatewayApi;

public sealed record V1Gateway : KubernetesObject
{
    public GatewaySpec Spec { get; init; } = new();
    public GatewayStatus? Status { get; init; }
}

public sealed record GatewaySpec
{
    public string GatewayClassName { get; init; } = "";
    public ImmutableArray<Listener> Listeners { get; init; } = [];
    public ImmutableArray<GatewayAddress> Addresses { get; init; } = [];
    public GatewayInfrastructure? Infrastructure { get; init; }
    public GatewayTLSSpec? Tls { get; init; }

    /// <summary>Which ListenerSets may add listeners to this Gateway; absent means none.</summary>
    public AllowedListeners? AllowedListeners { get; init; }
}

public sealed record AllowedListeners
{
    /// <summary>ListenerNamespaces has the fields of RouteNamespaces (from: All, Same, Selector or None; selector).</summary>
    public RouteNamespaces? Namespaces { get; init; }
}

/// <summary>Gateway-level TLS: how clients are validated (frontend mTLS), by default and per port.</summary>
public sealed record GatewayTLSSpec
{
    public FrontendTLSConfig? Frontend { get; init; }

    /// <summary>TLS from the Gateway to backends (with a BackendTLSPolicy): the client certificate it presents.</summary>
    public GatewayBackendTLS? Backend { get; init; }
}

public sealed record GatewayBackendTLS
{
    public SecretObjectReference? ClientCertificateRef { get; init; }
}

public sealed record FrontendTLSConfig
{
    public FrontendTLSSettings? Default { get; init; }
    public ImmutableArray<FrontendTLSPortConfig> PerPort { get; init; } = [];
}

public sealed record FrontendTLSPortConfig
{
    public int Port { get; init; }
    public FrontendTLSSettings? Tls { get; init; }
}

public sealed record FrontendTLSSettings
{
    public FrontendTLSValidation? Validation { get; init; }
}

public sealed record FrontendTLSValidation
{
    public ImmutableArray<SecretObjectReference> CaCertificateRefs { get; init; } = [];

    /// <summary>AllowValidOnly (default) or AllowInsecureFallback.</summary>
    public string? Mode { get; init; }
}

public sealed record Listener
{
    public string Name { get; init; } = "";
    public string? Hostname { get; init; }
    public int Port { get; init; }
    public string Protocol { get; init; } = "";
    public GatewayTlsConfig? Tls { get; init; }
    public AllowedRoutes? AllowedRoutes { get; init; }
}

public sealed record GatewayTlsConfig
{
    public string? Mode { get; init; }
    public ImmutableArray<SecretObjectReference> CertificateRefs { get; init; } = [];
    public ImmutableDictionary<string, string>? Options { get; init; }
}

public sealed record SecretObjectReference
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string Name { get; init; } = "";
    public string? Namespace { get; init; }
}

public sealed record AllowedRoutes
{
    public RouteNamespaces? Namespaces { get; init; }
    public ImmutableArray<RouteGroupKind> Kinds { get; init; } = [];
}

public sealed record RouteNamespaces
{
    public string? From { get; init; }
    public LabelSelector? Selector { get; init; }
}

public sealed record LabelSelector
{
    public ImmutableDictionary<string, string>? MatchLabels { get; init; }
    public ImmutableArray<LabelSelectorRequirement> MatchExpressions { get; init; } = [];
}

public sealed record LabelSelectorRequirement
{
    public string Key { get; init; } = "";
    public string Operator { get; init; } = "";
    public ImmutableArray<string> Values { get; init; } = [];
}

public sealed record RouteGroupKind
{
    public string? Group { get; init; }
    public string Kind { get; init; } = "";
}

public sealed record GatewayAddress
{
    public string? Type { get; init; }
    public string Value { get; init; } = "";
}

public sealed record GatewayInfrastructure
{
    public ImmutableDictionary<string, string>? Labels { get; init; }
    public ImmutableDictionary<string, string>? Annotations { get; init; }

    /// <summary>Implementation-specific parameters for this Gateway (a local reference: the namespace is the Gateway's).</summary>
    public ParametersReference? ParametersRef { get; init; }
}

public sealed record GatewayStatus
{
    public ImmutableArray<GatewayAddress> Addresses { get; init; } = [];
    public ImmutableArray<Condition> Conditions { get; init; } = [];
    public ImmutableArray<ListenerStatus> Listeners { get; init; } = [];

    /// <summary>How many ListenerSets are attached and accepted; set only for Gateways that allow ListenerSets.</summary>
    public int? AttachedListenerSets { get; init; }
}

public sealed record ListenerStatus
{
    public required string Name { get; init; }
    public ImmutableArray<RouteGroupKind> SupportedKinds { get; init; } = [];
    public int AttachedRoutes { get; init; }
    public ImmutableArray<Condition> Conditions { get; init; } = [];
}
