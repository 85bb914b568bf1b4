// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Gateway.EndToEnd.Tests;

/// <summary>ProxyConfig connectionLimits, observed on real client sockets.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task MaxConnections_ClosesNewConnectionsAtTheLimit_UntilOneEnds()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{connectionLimits: {maxConnections: 2}}");
        using var first = await RawHttp1Connection.OpenAsync(port);
        using var second = await RawHttp1Connection.OpenAsync(port);
        (await first.GetAsync("/"))!.StatusCode.Should().Be(200);
        (await second.GetAsync("/"))!.StatusCode.Should().Be(200);

        using (var third = await RawHttp1Connection.OpenAsync(port))
        {
            (await third.GetAsync("/")).Should().BeNull("the third connection is closed without an answer");
        }

        first.Dispose();
        await Eventually.TrueAsync(() => ServedOnNewConnectionAsync(port), "a new connection is served once one has closed");
        (await second.GetAsync("/"))!.StatusCode.Should().Be(200, "connections within the limit stay usable");
        await Eventually.TrueAsync(async () => (await gateway.GetStringAsync($"{gateway.Admin}metrics")).Split('\n')
            .Any(line => line.StartsWith("gateway_connections_rejected_total{", StringComparison.Ordinal) && line.Contains($"bind=\"127.0.0.1:{port}\"", StringComparison.Ordinal)),
            "/metrics counts the rejection");
    }

    [Fact]
    public async Task MaxRequestsPerConnection_LastResponseSaysCloseAndTheSocketCloses()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{connectionLimits: {maxRequestsPerConnection: 3}}");
        using var connection = await RawHttp1Connection.OpenAsync(port);

        var responses = new List<RawHttp1Connection.Response?>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await connection.GetAsync("/"));
        }

        responses.Should().AllSatisfy(r => r!.StatusCode.Should().Be(200));
        responses[0]!.Headers.Should().NotContainKey("Connection");
        responses[1]!.Headers.Should().NotContainKey("Connection");
        responses[2]!.Headers["Connection"].Should().Be("close");
        (await connection.IsClosedByServerAsync()).Should().BeTrue();
        (await ServedOnNewConnectionAsync(port)).Should().BeTrue("the count is per connection");
    }

    [Fact]
    public async Task MaxRequestsPerConnection_OverHttp2_MovesTheClientToANewConnection()
    {
        await using var gateway = new GatewayUnderTest();
        gateway.WriteFile("secret.yaml", TestCertificates.SecretYaml("default", "serving", "example.com"));
        var port = await ServeAsync(gateway, "{connectionLimits: {maxRequestsPerConnection: 2}}", tls: true);
        var connections = 0;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // Self-signed test certificate.
            ConnectCallback = async (context, cancel) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        for (var i = 0; i < 6; i++)
        {
            var response = await client.GetAsync(new Uri($"https://127.0.0.1:{port}/"));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Version.Should().Be(HttpVersion.Version20);
        }

        // GOAWAY goes out while the second response is written; a third request may still overtake it.
        connections.Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task MaxRequestsPerConnection_One_StillLetsAWebSocketUpgrade()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{connectionLimits: {maxRequestsPerConnection: 1}}");

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/chat"), CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);

        Encoding.UTF8.GetString(buffer, 0, received.Count).Should().Be("echo: hello");
    }

    [Fact]
    public async Task MaxConnections_RaisedInTheProxyConfig_AppliesLiveWithoutDroppingRequests()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{connectionLimits: {maxConnections: 1}}");
        using var first = await RawHttp1Connection.OpenAsync(port);
        (await first.GetAsync("/"))!.StatusCode.Should().Be(200);
        (await ServedOnNewConnectionAsync(port)).Should().BeFalse("one connection is the limit");

        var inFlight = first.GetAsync("/", new() { ["X-Echo-Delay"] = "1000" });
        gateway.WriteFile("class.yaml", Manifests.GatewayClassWithProxyConfig("{connectionLimits: {maxConnections: 3}}"));

        await Eventually.TrueAsync(() => ServedOnNewConnectionAsync(port), "a second connection is served under the raised limit");
        (await inFlight)!.StatusCode.Should().Be(200, "a request in flight across the change completes");
        (await first.GetAsync("/"))!.StatusCode.Should().Be(200, "the connection stays open");
    }

    [Fact]
    public async Task InvalidLimits_AreReportedInStatus_AndTrafficIsUnlimited()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{connectionLimits: {maxConnections: 0, maxRequestsPerConnection: -1}}");

        var status = await gateway.GetStringAsync($"{gateway.Admin}status");
        status.Should().Contain("InvalidParameters")
            .And.Contain("spec.connectionLimits.maxConnections must be at least 1, not 0.")
            .And.Contain("spec.connectionLimits.maxRequestsPerConnection must be at least 1, not -1.");
        using var first = await RawHttp1Connection.OpenAsync(port);
        using var second = await RawHttp1Connection.OpenAsync(port);
        for (var i = 0; i < 3; i++)
        {
            foreach (var connection in new[] { first, second })
            {
                var response = await connection.GetAsync("/");
                response!.StatusCode.Should().Be(200);
                response.Headers.Should().NotContainKey("Connection");
            }
        }
    }

    /// <summary>Serves / from an echo backend on a fresh port, with the class's ProxyConfig in class.yaml.</summary>
    private static async Task<int> ServeAsync(GatewayUnderTest gateway, string proxyConfigSpec, bool tls = false)
    {
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("class.yaml", Manifests.GatewayClassWithProxyConfig(proxyConfigSpec));
        gateway.WriteFile("all.yaml", Manifests.Join(
            tls ? Manifests.HttpsGateway("gw", port, "serving") : Manifests.Gateway("gw", port),
            Manifests.Backend("echo", backend.Port),
            Manifests.Route("r", "gw", "/", "echo")));
        await gateway.StartAsync();
        return port;
    }

    private static async Task<bool> ServedOnNewConnectionAsync(int port)
    {
        using var connection = await RawHttp1Connection.OpenAsync(port);
        return (await connection.GetAsync("/"))?.StatusCode == 200;
    }
}
