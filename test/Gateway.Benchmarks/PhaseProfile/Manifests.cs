// SPDX-License-Identifier: Apache-2.0
/// <summary>The same config shape as bench.py: one Gateway, one Service, routes with host + path + header.</summary>
internal static class Manifests
{
    public static void Write(string directory, int routes)
    {
        File.WriteAllText(Path.Combine(directory, "gateway.yaml"), """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: bench}
            spec: {controllerName: gateway.seed.dev/gateway-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: bench, namespace: default}
            spec:
              gatewayClassName: bench
              listeners: [{name: http, protocol: HTTP, port: 18999}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: backend, namespace: default}
            spec: {ports: [{name: http, port: 80, targetPort: 18998}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: backend-1, namespace: default, labels: {kubernetes.io/service-name: backend}}
            addressType: IPv4
            ports: [{name: http, port: 18998}]
            endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
            """);
        for (var start = 0; start < routes; start += 100)
        {
            var docs = Enumerable.Range(start, Math.Min(100, routes - start)).Select(i => Route($"r{i}", $"r{i}.example.com", $"/api/r{i}", $"t{i}"));
            File.WriteAllText(Path.Combine(directory, $"routes-{start / 100:000}.yaml"), string.Join("---\n", docs));
        }
    }

    public static string Route(string name, string host, string path, string tenant) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {"{"}name: {name}, namespace: default{"}"}
        spec:
          parentRefs: [{"{"}name: bench{"}"}]
          hostnames: [{host}]
          rules:
          - matches:
            - path: {"{"}type: PathPrefix, value: {path}{"}"}
              headers: [{"{"}name: x-tenant, value: {tenant}{"}"}]
            backendRefs: [{"{"}name: backend, port: 80{"}"}]

        """;
}
