// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Kubernetes;

/// <summary>
/// Every Kubernetes API permission the gateway uses, in one place: deploy/kubernetes/rbac.yaml must grant exactly
/// these (a test checks it), so a new informer or write cannot ship without its RBAC.
/// </summary>
public static class ApiPermissions
{
    public static readonly IReadOnlyList<ApiPermission> Required =
    [
        new("gateway.networking.k8s.io", "gatewayclasses", ["get", "list", "watch"]),
        new("gateway.networking.k8s.io", "gateways", ["get", "list", "watch"]),
        new("gateway.networking.k8s.io", "httproutes", ["get", "list", "watch"]),
        new("gateway.networking.k8s.io", "grpcroutes", ["get", "list", "watch"]),
        new("gateway.networking.k8s.io", "tlsroutes", ["get", "list", "watch"]),
        new("gateway.networking.k8s.io", "tcproutes", ["get", "list", "watch"]),
        new("gateway.networking.k8s.io", "referencegrants", ["get", "list", "watch"]),
        new("gateway.networking.k8s.io", "backendtlspolicies", ["get", "list", "watch"]),
        new("gateway.networking.k8s.io", "listenersets", ["get", "list", "watch"]),
        new("", "services", ["get", "list", "watch"]),
        new("", "namespaces", ["get", "list", "watch"]),
        new("", "secrets", ["get", "list", "watch"]),
        new("", "configmaps", ["get", "list", "watch"]),
        new("discovery.k8s.io", "endpointslices", ["get", "list", "watch"]),
        new("gateway.seed.dev", "proxyconfigs", ["get", "list", "watch"]),

        // StatusWriter: GET the object, PATCH its status subresource.
        new("gateway.networking.k8s.io", "gatewayclasses/status", ["get", "patch", "update"]),
        new("gateway.networking.k8s.io", "gateways/status", ["get", "patch", "update"]),
        new("gateway.networking.k8s.io", "httproutes/status", ["get", "patch", "update"]),
        new("gateway.networking.k8s.io", "grpcroutes/status", ["get", "patch", "update"]),
        new("gateway.networking.k8s.io", "tlsroutes/status", ["get", "patch", "update"]),
        new("gateway.networking.k8s.io", "tcproutes/status", ["get", "patch", "update"]),
        new("gateway.networking.k8s.io", "backendtlspolicies/status", ["get", "patch", "update"]),
        new("gateway.networking.k8s.io", "listenersets/status", ["get", "patch", "update"]),
        new("gateway.seed.dev", "proxyconfigs/status", ["get", "patch", "update"]),

        // StatusWriter records an Event when one of our conditions changes.
        new("", "events", ["create"]),

        // ServiceWriter: the per-Gateway Services, in the gateway's own namespace (it reads them through the informer above).
        new("", "services", ["create", "patch", "delete"], Namespaced: true),

        // LeaderElectionService (LeaseLock), in the gateway's own namespace.
        new("coordination.k8s.io", "leases", ["get", "create", "update"], Namespaced: true),
    ];
}

public sealed record ApiPermission(string Group, string Resource, IReadOnlyList<string> Verbs, bool Namespaced = false);
