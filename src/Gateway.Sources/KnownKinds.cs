// SPDX-License-Identifier: Apache-2.0
using Gateway.Model.Core;
using Gateway.Model.Extensions;
using Gateway.Model.GatewayApi;

namespace Gateway.Sources;

/// <summary>The kinds the gateway reads, with every apiVersion under which a cluster serves them.</summary>
public static class KnownKinds
{
    private static readonly Dictionary<(string ApiVersion, string Kind), Type> _types = new()
    {
        [("gateway.networking.k8s.io/v1", "GatewayClass")] = typeof(V1GatewayClass),
        [("gateway.networking.k8s.io/v1beta1", "GatewayClass")] = typeof(V1GatewayClass),
        [("gateway.networking.k8s.io/v1", "Gateway")] = typeof(V1Gateway),
        [("gateway.networking.k8s.io/v1beta1", "Gateway")] = typeof(V1Gateway),
        [("gateway.networking.k8s.io/v1", "HTTPRoute")] = typeof(V1HTTPRoute),
        [("gateway.networking.k8s.io/v1beta1", "HTTPRoute")] = typeof(V1HTTPRoute),
        [("gateway.networking.k8s.io/v1", "GRPCRoute")] = typeof(V1GRPCRoute),
        [("gateway.networking.k8s.io/v1", "TLSRoute")] = typeof(V1TLSRoute),
        [("gateway.networking.k8s.io/v1", "TCPRoute")] = typeof(V1TCPRoute),
        [("gateway.networking.k8s.io/v1", "ReferenceGrant")] = typeof(V1ReferenceGrant),
        [("gateway.networking.k8s.io/v1beta1", "ReferenceGrant")] = typeof(V1ReferenceGrant),
        [("gateway.networking.k8s.io/v1", V1BackendTLSPolicy.KindName)] = typeof(V1BackendTLSPolicy),
        [("gateway.networking.k8s.io/v1", V1ListenerSet.KindName)] = typeof(V1ListenerSet),
        [("v1", "Service")] = typeof(V1Service),
        [("v1", "Secret")] = typeof(V1Secret),
        [("v1", "Namespace")] = typeof(V1Namespace),
        [("v1", "ConfigMap")] = typeof(V1ConfigMap),
        [("discovery.k8s.io/v1", "EndpointSlice")] = typeof(V1EndpointSlice),
        [($"{V1Alpha1ProxyConfig.Group}/v1alpha1", V1Alpha1ProxyConfig.KindName)] = typeof(V1Alpha1ProxyConfig),
    };

    public static Type? Find(string apiVersion, string kind) => _types.GetValueOrDefault((apiVersion, kind));

    /// <summary>Every (apiVersion, kind) the gateway reads, with the model type it is read into.</summary>
    public static IEnumerable<(string ApiVersion, string Kind, Type Type)> All => _types.Select(p => (p.Key.ApiVersion, p.Key.Kind, p.Value));

    /// <summary>Kinds that live in a namespace (everything but GatewayClass and Namespace).</summary>
    public static bool IsNamespaced(string kind) => kind is not ("GatewayClass" or "Namespace");
}
