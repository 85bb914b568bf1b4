// SPDX-License-Identifier: Apache-2.0
using Gateway.Translation.Status;

namespace Gateway.Kubernetes;

/// <summary>Where an object's status subresource lives in the Kubernetes REST API.</summary>
internal static class StatusPaths
{
    public static string ObjectPath(ObjectStatus status)
    {
        var plural = status.Kind switch
        {
            "GatewayClass" => "gatewayclasses",
            "Gateway" => "gateways",
            "HTTPRoute" => "httproutes",
            "GRPCRoute" => "grpcroutes",
            "TLSRoute" => "tlsroutes",
            "TCPRoute" => "tcproutes",
            "BackendTLSPolicy" => "backendtlspolicies",
            "ListenerSet" => "listenersets",
            "ProxyConfig" => "proxyconfigs",
            _ => throw new ArgumentOutOfRangeException(nameof(status), status.Kind, "no status path for this kind"),
        };
        var group = $"/apis/{status.ApiVersion}";
        return status.Namespace is null
            ? $"{group}/{plural}/{status.Name}"
            : $"{group}/namespaces/{status.Namespace}/{plural}/{status.Name}";
    }
}
