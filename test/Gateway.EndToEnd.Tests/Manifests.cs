// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests;

/// <summary>Small YAML builders for end-to-end cases.</summary>
internal static class Manifests
{
    public const string GatewayClass = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: gateway
        spec:
          controllerName: gateway.seed.dev/gateway-controller
        """;

    /// <summary>The class "gateway" with the ProxyConfig default/defaults as its parameters; spec is the ProxyConfig's spec in YAML.</summary>
    public static string GatewayClassWithProxyConfig(string spec) => GatewayClassWithProxyConfig("defaults", "default", spec);

    /// <summary>Our GatewayClass with the ProxyConfig ns/name as its parameters; spec is YAML flow style, e.g. {accessLog: true}.</summary>
    public static string GatewayClassWithProxyConfig(string name, string ns, string spec) => $$"""
        apiVersion: gateway.seed.dev/v1alpha1
        kind: ProxyConfig
        metadata:
          name: {{name}}
          namespace: {{ns}}
        spec: {{spec}}
        ---
        {{GatewayClass}}
          parametersRef: {group: gateway.seed.dev, kind: ProxyConfig, name: {{name}}, namespace: {{ns}}}
        """;

    public static string Gateway(string name, int port, string? hostname = null) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: {name}
        spec:
          gatewayClassName: gateway
          listeners:
          - name: http
            protocol: HTTP
            port: {port}
        {(hostname is null ? "" : $"    hostname: {hostname}")}
        """;

    /// <summary>A Gateway (as <see cref="Gateway"/> builds it) that allows ListenerSets from its own namespace.</summary>
    public static string AllowingListenerSets(string gateway) => gateway + "  allowedListeners:\n    namespaces:\n      from: Same\n";

    /// <summary>A ListenerSet adding one HTTP listener to the Gateway named gateway.</summary>
    public static string ListenerSet(string name, string gateway, string listener, int port) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: ListenerSet
        metadata:
          name: {name}
        spec:
          parentRef:
            name: {gateway}
          listeners:
          - name: {listener}
            protocol: HTTP
            port: {port}
        """;

    /// <summary>A Gateway with one HTTPS listener serving the certificate in the Secret named secret.</summary>
    public static string HttpsGateway(string name, int port, string secret) =>
        Gateway(name, port).Replace("- name: http\n    protocol: HTTP\n", "- name: https\n    protocol: HTTPS\n", StringComparison.Ordinal)
        + $"    tls:\n      certificateRefs:\n      - name: {secret}\n";

    /// <summary>A Service whose EndpointSlice points at 127.0.0.1:port (or has no endpoints when port is null).</summary>
    public static string Backend(string name, int? port) => Join(Service(name), $"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {name}-1
          labels:
            kubernetes.io/service-name: {name}
        addressType: IPv4
        ports:
        - name: http
          port: {port ?? 1}
        endpoints:{(port is null ? " []" : "\n- addresses: [127.0.0.1]")}
        """);

    public static string Route(string name, string gateway, string path, string service, string? hostname = null) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: {name}
        spec:
          parentRefs:
          - name: {gateway}
        {(hostname is null ? "" : $"  hostnames: [{hostname}]")}
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: {path}
            backendRefs:
            - name: {service}
              port: 80
        """;

    /// <summary>The Service name (port 80) with one EndpointSlice per endpoint port, all on 127.0.0.1.</summary>
    public static string Pool(string name, params int[] ports) => Join(
    [
        Service(name),
        .. ports.Select(port => $"""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: {name}-{port}
              labels:
                kubernetes.io/service-name: {name}
            addressType: IPv4
            ports:
            - name: http
              port: {port}
            endpoints:
            - addresses: [127.0.0.1]
            """),
    ]);

    /// <summary>The Service name with one port, 80, named http (its endpoints come from EndpointSlices).</summary>
    private static string Service(string name) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          ports:
          - name: http
            port: 80
        """;

    public static string Join(params string[] documents) => string.Join("\n---\n", documents);
}
