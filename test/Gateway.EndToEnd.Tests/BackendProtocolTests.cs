// SPDX-License-Identifier: Apache-2.0
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.EndToEnd.Tests.Conformance;

namespace Gateway.EndToEnd.Tests;

/// <summary>Backend protocols: appProtocol kubernetes.io/h2c, and WebSocket upgrades passed through.</summary>
[Trait("Category", "EndToEnd")]
[ProvesFeature("HTTPRouteBackendProtocolH2C")]
[ProvesFeature("HTTPRouteBackendProtocolWebSocket")]
public sealed class BackendProtocolTests
{
    [Fact]
    public async Task H2cService_IsSpokenToWithHttp2PriorKnowledge()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("grpc-ish", h2c: true);
        var port = TestPorts.Free();
        var service = Manifests.Backend("h2c", backend.Port).Replace("    port: 80\n", "    port: 80\n    appProtocol: kubernetes.io/h2c\n", StringComparison.Ordinal);
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("gw", port), service, Manifests.Route("r", "gw", "/", "h2c")));
        await gateway.StartAsync();

        var echo = JsonNode.Parse(await gateway.GetStringAsync($"http://127.0.0.1:{port}/h2"))!;

        echo["protocol"]!.GetValue<string>().Should().Be("HTTP/2");
    }

    [Fact]
    public async Task WebSocketUpgrade_IsPassedThroughBothWays()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("ws");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("ws", backend.Port), Manifests.Route("r", "gw", "/", "ws")));
        await gateway.StartAsync();

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/chat"), CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Encoding.UTF8.GetString(buffer, 0, received.Count).Should().Be("ws: hello");
    }
}
