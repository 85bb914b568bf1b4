// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.Core;
using Gateway.Model.Extensions;
using Gateway.Model.GatewayApi;

namespace Gateway.Sources.Kubernetes;

/// <summary>One kind the Kubernetes source watches, and where the API serves it.</summary>
internal sealed record ResourceKind(string Kind, string Group, string Version, string Plural, bool Namespaced, Type Type)
{
    /// <summary>Only these objects are read (e.g. TLS Secrets), as a field selector.</summary>
    public string? FieldSelector { get; init; }

    /// <summary>A CRD that may be absent: 404 means "none yet", not a failure.</summary>
    public bool Optional { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        new("GatewayClass", "gateway.networking.k8s.io", "v1", "gatewayclasses", false, typeof(V1GatewayClass)),
        new("Gateway", "gateway.networking.k8s.io", "v1", "gateways", true, typeof(V1Gateway)),
        new("HTTPRoute", "gateway.networking.k8s.io", "v1", "httproutes", true, typeof(V1HTTPRoute)),
        new("GRPCRoute", "gateway.networking.k8s.io", "v1", "grpcroutes", true, typeof(V1GRPCRoute)),
        // v1 (standard channel) since v1.5; a cluster with older CRDs has none (404 is "none yet").
        new("TLSRoute", "gateway.networking.k8s.io", "v1", "tlsroutes", true, typeof(V1TLSRoute)) { Optional = true },
        new("TCPRoute", "gateway.networking.k8s.io", "v1", "tcproutes", true, typeof(V1TCPRoute)) { Optional = true },
        // v1beta1 is served by every standard-channel release; v1 only by the newest.
        new("ReferenceGrant", "gateway.networking.k8s.io", "v1beta1", "referencegrants", true, typeof(V1ReferenceGrant)),
        // Standard channel since v1.4; a cluster with older CRDs has none (404 is "none yet").
        new(V1BackendTLSPolicy.KindName, "gateway.networking.k8s.io", "v1", "backendtlspolicies", true, typeof(V1BackendTLSPolicy)) { Optional = true },
        // Standard channel since v1.5; likewise absent from older CRD bundles.
        new(V1ListenerSet.KindName, "gateway.networking.k8s.io", "v1", "listenersets", true, typeof(V1ListenerSet)) { Optional = true },
        new("Service", "", "v1", "services", true, typeof(V1Service)),
        new("Namespace", "", "v1", "namespaces", false, typeof(V1Namespace)),
        new("ConfigMap", "", "v1", "configmaps", true, typeof(V1ConfigMap)),
        new("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", true, typeof(V1EndpointSlice)),
        new("Secret", "", "v1", "secrets", true, typeof(V1Secret)) { FieldSelector = "type=kubernetes.io/tls" },
        new(V1Alpha1ProxyConfig.KindName, V1Alpha1ProxyConfig.Group, "v1alpha1", "proxyconfigs", true, typeof(V1Alpha1ProxyConfig)) { Optional = true },
    ];

    /// <summary>The collection path relative to the API server's base URI, scoped to <paramref name="ns"/> when given.</summary>
    public string CollectionPath(string? ns)
    {
        var prefix = Group.Length == 0 ? $"api/{Version}" : $"apis/{Group}/{Version}";
        return Namespaced && ns is not null ? $"{prefix}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}" : $"{prefix}/{Plural}";
    }

    /// <summary>The field selector for this kind under an optional namespace scope.</summary>
    public string? FieldSelectorFor(string? ns) => Kind == "Namespace" && ns is not null ? $"metadata.name={ns}" : FieldSelector;
}
