// SPDX-License-Identifier: Apache-2.0
using global::Grpc.Net.Client;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>
/// A gateway with one cleartext listener and a GRPCRoute for the streaming test service to a gRPC backend whose
/// Service names no appProtocol (so h2c is the GRPCRoute default), plus an HTTP echo backend for HTTPRoutes.
/// </summary>
internal sealed class GrpcGateway : IAsyncDisposable
{
    private GrpcGateway(GatewayUnderTest gateway, GrpcBackend backend, int port)
    {
        Gateway = gateway;
        Backend = backend;
        Port = port;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        Client = new Streaming.Streaming.StreamingClient(Channel);
    }

    public GatewayUnderTest Gateway { get; }

    public GrpcBackend Backend { get; }

    public int Port { get; }

    public GrpcChannel Channel { get; }

    public Streaming.Streaming.StreamingClient Client { get; }

    /// <param name="extra">More manifests to serve from the start.</param>
    public static Task<GrpcGateway> StartAsync(params string[] extra) => StartAsync(_ => { }, null, extra);

    /// <param name="configure">Sets the gateway's options before it starts.</param>
    /// <param name="proxyConfig">The spec of a ProxyConfig for the GatewayClass, if it should have one.</param>
    /// <param name="extra">More manifests to serve from the start.</param>
    public static async Task<GrpcGateway> StartAsync(Action<Gateway.Cli.GatewayOptions> configure, string? proxyConfig, params string[] extra)
    {
        var gateway = new GatewayUnderTest();
        configure(gateway.Options);
        var backend = await GrpcBackend.StartAsync("default/grpc");
        var http = await gateway.StartBackendAsync("http");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
        [
            proxyConfig is null ? Manifests.GatewayClass : Manifests.GatewayClassWithProxyConfig(proxyConfig), Manifests.Gateway("gw", port), Manifests.Backend("grpc", backend.Port), Manifests.Backend("http", http.Port),
            Route("streaming", "gateway.tests.Streaming", "grpc"), .. extra,
        ]));
        await gateway.StartAsync();
        return new GrpcGateway(gateway, backend, port);
    }

    /// <summary>
    /// A GRPCRoute on Gateway gw sending every method of one gRPC service (or only <paramref name="method"/>, and only
    /// calls with the metadata <paramref name="header"/> if given) to a Service's port 80.
    /// </summary>
    public static string Route(string name, string service, string backend, string? method = null, (string Name, string Value)? header = null) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata:
          name: {name}
        spec:
          parentRefs:
          - name: gw
          rules:
          - matches:
            - method:
                service: {service}
        {(method is null ? "" : $"        method: {method}")}
        {(header is not { } h ? "" : $"      headers: [{{name: {h.Name}, value: \"{h.Value}\"}}]")}
            backendRefs:
            - name: {backend}
              port: 80
        """;

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
