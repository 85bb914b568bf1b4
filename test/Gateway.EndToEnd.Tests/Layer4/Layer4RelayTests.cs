// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.EndToEnd.Tests.Layer4;

/// <summary>What the layer-4 relay does with real sockets: integrity, half-close, live config changes, slow or bad clients, metrics.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class Layer4RelayTests
{
    [Fact]
    public async Task LargeTransfer_ArrivesIntact_AndTheClientsHalfCloseReachesTheBackend()
    {
        using var sink = HashSink.Start();
        await using var gateway = new GatewayUnderTest();
        var port = await ServeTcpAsync(gateway, sink.Port);

        var payload = new byte[100 * 1024 * 1024];
        new Random(12).NextBytes(payload);
        using var client = await ConnectAsync(port);
        var stream = client.GetStream();
        await stream.WriteAsync(payload);
        client.Client.Shutdown(SocketShutdown.Send); // The sink answers only once it has seen the end.
        using var reader = new StreamReader(stream);
        var answer = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));

        answer.Should().Be(Convert.ToHexString(SHA256.HashData(payload)), "every byte arrives, in order, and the FIN after them");
        (await reader.ReadLineAsync()).Should().BeNull("the backend's close reaches the client");
    }

    [Fact]
    public async Task EstablishedConnection_SurvivesAnUnrelatedChange_AndEndsWhenItsRouteIsRemoved()
    {
        using var backend = LineEchoBackend.Start("default", "echo", null);
        await using var gateway = new GatewayUnderTest();
        var port = await ServeTcpAsync(gateway, backend.Port);
        using var connection = await LineConnection.OpenAsync(port);
        (await connection.SayAsync("one")).Should().Be("one");

        gateway.WriteFile("other.yaml", Manifests.Gateway("other", TestPorts.Free()));
        await Eventually.TrueAsync(async () => (await gateway.GetStringAsync($"{gateway.Admin}config")).Contains("gateway/default/other/listener/http", StringComparison.Ordinal),
            "the unrelated change is live");
        await Task.Delay(Proxy.Layer4.Layer4Listeners.RouteGoneGrace + TimeSpan.FromSeconds(1)); // Past the grace a removed route gets.
        (await connection.SayAsync("two")).Should().Be("two", "a change that keeps the route keeps its connections");

        gateway.WriteFile("all.yaml", Manifests.Join(TcpGateway("gw", port), Manifests.Backend("echo", backend.Port)));
        await Eventually.TrueAsync(async () => await connection.IsClosedAsync(), "the connection ends once its route is gone");
        using var refused = await LineConnection.OpenAsync(port);
        (await refused.ReadLineAsync()).Should().BeNull("a new connection finds no route and is closed without a word");
    }

    [Fact]
    public async Task SlowOrForeignClientHellos_DoNotHoldUpOtherClients()
    {
        var (ca, certificate, key) = TestCertificates.CreateCaAndServer("app.example.com");
        using var backend = LineEchoBackend.Start("default", "secure", System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certificate, key));
        await using var gateway = new GatewayUnderTest();
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, PassthroughGateway("gw", port), Manifests.Backend("secure", backend.Port),
            Layer4Route("TLSRoute", "r", "gw", "secure", "app.example.com")));
        await gateway.StartAsync();
        await Eventually.TrueAsync(async () => (await TryExchangeAsync(port, ca)) is not null, "the passthrough listener serves");

        using var slow = await ConnectAsync(port);
        await slow.GetStream().WriteAsync(new byte[] { 22, 3, 1 }); // A record header cut short, and then nothing.
        using var foreign = await ConnectAsync(port);
        await foreign.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: app.example.com\r\n\r\n"));

        (await TryExchangeAsync(port, ca))!.ServerName.Should().Be("app.example.com", "other clients are served meanwhile");
        (await foreign.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Should().Be(0, "what is not TLS is closed at once");
        (await slow.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(20))).Should().Be(0,
            "a ClientHello that does not arrive in time ends its connection");
    }

    [Fact]
    public async Task Metrics_CountConnectionsBytesAndOpenConnections_ByListenerAndRoute()
    {
        using var backend = LineEchoBackend.Start("default", "echo", null);
        await using var gateway = new GatewayUnderTest();
        var port = await ServeTcpAsync(gateway, backend.Port);
        string[] labels = ["listener=\"gateway/default/gw/listener/tcp\"", "route=\"TCPRoute/default/r\""];
        string[] counters = ["gateway_layer4_connections_total", "gateway_layer4_received_bytes_total", "gateway_layer4_sent_bytes_total"];
        double[] before = [];
        await Eventually.TrueAsync(async () =>
        {
            var metrics = await gateway.GetStringAsync($"{gateway.Admin}metrics");
            before = [.. counters.Select(c => MetricValue(metrics, c, [.. labels]))];
            return MetricValue(metrics, "gateway_layer4_active_connections") == 0 && before[0] > 0;
        }, "the readiness probe's connection is counted and closed");

        using (var connection = await LineConnection.OpenAsync(port))
        {
            (await connection.SayAsync("hello")).Should().Be("hello");
            await Eventually.TrueAsync(async () => MetricValue(await gateway.GetStringAsync($"{gateway.Admin}metrics"), "gateway_layer4_active_connections", [.. labels]) == 1,
                "one connection is open");
        }

        double[] expected = [1, "hello\n".Length, $"{LineEchoBackend.Welcome}\nhello\n".Length];
        await Eventually.TrueAsync(async () =>
        {
            var metrics = await gateway.GetStringAsync($"{gateway.Admin}metrics");
            return MetricValue(metrics, "gateway_layer4_active_connections") == 0
                && counters.Select((c, i) => MetricValue(metrics, c, [.. labels]) - before[i]).SequenceEqual(expected)
                && MetricValue(metrics, "gateway_layer4_connections_total", [.. labels, "outcome=\"relayed\""]) == before[0] + 1;
        }, "/metrics has the connection, its bytes each way, and no open connection left");
    }

    private static async Task<int> ServeTcpAsync(GatewayUnderTest gateway, int backendPort)
    {
        var port = TestPorts.Free();
        gateway.WriteFile("class.yaml", Manifests.GatewayClass);
        gateway.WriteFile("all.yaml", Manifests.Join(TcpGateway("gw", port), Manifests.Backend("echo", backendPort), Layer4Route("TCPRoute", "r", "gw", "echo")));
        await gateway.StartAsync();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var probe = await ConnectAsync(port);
                var stream = probe.GetStream();
                probe.Client.Shutdown(SocketShutdown.Send);
                return await stream.ReadAsync(new byte[1]) > 0;
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
            {
                return false;
            }
        }, "the TCP listener relays");
        return port;
    }

    private static string TcpGateway(string name, int port) =>
        Manifests.Gateway(name, port).Replace("- name: http\n    protocol: HTTP\n", "- name: tcp\n    protocol: TCP\n", StringComparison.Ordinal);

    private static string PassthroughGateway(string name, int port) =>
        Manifests.Gateway(name, port).Replace("- name: http\n    protocol: HTTP\n", "- name: tls\n    protocol: TLS\n", StringComparison.Ordinal)
        + "    tls:\n      mode: Passthrough\n";

    private static string Layer4Route(string kind, string name, string gateway, string service, string? hostname = null) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: {kind}
        metadata:
          name: {name}
        spec:
          parentRefs:
          - name: {gateway}
        {(hostname is null ? "" : $"  hostnames: [{hostname}]")}
          rules:
          - backendRefs:
            - name: {service}
              port: 80
        """;

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    private static async Task<Layer4Probe.LineAnswer?> TryExchangeAsync(int port, string ca)
    {
        try
        {
            return await Layer4Probe.LineExchangeAsync("127.0.0.1", port, "app.example.com", ca);
        }
        catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The sum of a metric's series whose labels contain all of <paramref name="labels"/>.</summary>
    private static double MetricValue(string metrics, string name, params string[] labels) => metrics.Split('\n')
        .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(x => l.Contains(x, StringComparison.Ordinal)))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A backend that reads to the end of what it is sent, then answers the SHA-256 of it (hex) and closes.</summary>
    private sealed class HashSink : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static HashSink Start()
        {
            var sink = new HashSink();
            sink._listener.Start();
            _ = LineEchoBackend.AcceptAllAsync(sink._listener, ServeAsync);
            return sink;
        }

        private static async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    var buffer = new byte[64 * 1024];
                    int read;
                    while ((read = await client.GetStream().ReadAsync(buffer)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                    }

                    await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Convert.ToHexString(hash.GetHashAndReset()) + "\n"));
                }
                catch (IOException)
                {
                    // The client went away.
                }
            }
        }

        public void Dispose() => _listener.Stop();
    }

    /// <summary>One plain connection to a line backend through the gateway, past its welcome line.</summary>
    private sealed class LineConnection : IDisposable
    {
        private readonly TcpClient _client;
        private readonly StreamReader _reader;

        private LineConnection(TcpClient client) => (_client, _reader) = (client, new StreamReader(client.GetStream()));

        public static async Task<LineConnection> OpenAsync(int port)
        {
            var connection = new LineConnection(await ConnectAsync(port));
            return connection;
        }

        public async Task<string?> ReadLineAsync()
        {
            try
            {
                return await _reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (IOException)
            {
                return null;
            }
        }

        public async Task<string?> SayAsync(string line)
        {
            if (!_welcomed)
            {
                (await ReadLineAsync()).Should().Be(LineEchoBackend.Welcome);
                _welcomed = true;
            }

            await _client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(line + "\n"));
            return await ReadLineAsync();
        }

        private bool _welcomed;

        public async Task<bool> IsClosedAsync()
        {
            try
            {
                await _client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("still there?\n"));
                return await ReadLineAsync() is null;
            }
            catch (IOException)
            {
                return true;
            }
        }

        public void Dispose()
        {
            _reader.Dispose();
            _client.Dispose();
        }
    }
}
