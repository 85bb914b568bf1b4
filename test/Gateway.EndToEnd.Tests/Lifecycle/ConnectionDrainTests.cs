// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Gateway.Proxy.Listeners;

namespace Gateway.EndToEnd.Tests.Lifecycle;

/// <summary>
/// During the drain period clients are moved off their connections while the listeners keep serving: HTTP/1.1
/// responses say Connection: close, idle keep-alive connections are closed, HTTP/2 connections get GOAWAY.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ConnectionDrainTests
{
    private static readonly TimeSpan _drain = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Http1KeepAlive_DuringTheDrain_ResponseSaysClose_AndTheNextRequestSucceedsOnANewConnection()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway);
        var connections = 0;
        using var client = CountingClient(() => Interlocked.Increment(ref connections));
        var url = new Uri($"http://127.0.0.1:{port}/");
        using (var before = await client.GetAsync(url))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK);
            before.Headers.ConnectionClose.Should().NotBe(true, "outside a drain connections are kept alive");
        }

        var stopping = await BeginStopAsync(gateway);
        using var during = await client.GetAsync(url);
        var afterDuring = Volatile.Read(ref connections);
        using var next = await client.GetAsync(url);
        await stopping;

        during.StatusCode.Should().Be(HttpStatusCode.OK, "listeners keep serving through the drain");
        during.Headers.ConnectionClose.Should().BeTrue("a response during the drain tells the client to reconnect elsewhere");
        next.StatusCode.Should().Be(HttpStatusCode.OK);
        Volatile.Read(ref connections).Should().Be(afterDuring + 1, "the request after Connection: close goes on a new connection");
    }

    [Fact]
    public async Task IdleKeepAliveConnection_IsClosedEarlyInTheDrain_WhileNewConnectionsAreStillServed()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway);
        using var idle = await RawHttp1Connection.OpenAsync(port);
        (await idle.GetAsync("/"))!.StatusCode.Should().Be(200);

        var clock = Stopwatch.StartNew();
        var stopping = await BeginStopAsync(gateway);
        var closed = await idle.ClosedByServerWithinAsync(TimeSpan.FromSeconds(3));
        var closedAfter = clock.Elapsed;
        using var fresh = await RawHttp1Connection.OpenAsync(port);
        var served = await fresh.GetAsync("/");
        await stopping;

        closed.Should().BeTrue($"an idle keep-alive connection is closed within {ConnectionDrain.FirstRequestGrace.TotalSeconds * 2} s of the drain's start");
        closedAfter.Should().BeLessThan(_drain, "it is the drain that closed it, not the end of the drain");
        served!.StatusCode.Should().Be(200, "a new connection during the drain is served");
        served.Headers.Should().Contain("Connection", "close");
    }

    [Fact]
    public async Task RequestsInFlightWhenTheDrainBegins_FinishWithConnectionClose_OrWithinTheShutdownTimeout()
    {
        await using var gateway = new GatewayUnderTest();
        gateway.Options.ShutdownTimeout = TimeSpan.FromSeconds(6);
        var port = await ServeAsync(gateway);
        using var shortOne = await RawHttp1Connection.OpenAsync(port);
        using var longOne = await RawHttp1Connection.OpenAsync(port);
        var endsInTheDrain = shortOne.GetAsync("/short", new() { ["X-Echo-Delay"] = "3000" });
        var outlastsTheDrain = longOne.GetAsync("/long", new() { ["X-Echo-Delay"] = "5500" });

        var clock = Stopwatch.StartNew();
        var stopping = await BeginStopAsync(gateway);
        var shortResponse = await endsInTheDrain;
        var longResponse = await outlastsTheDrain;
        await stopping;

        shortResponse!.StatusCode.Should().Be(200);
        shortResponse.Headers.Should().Contain("Connection", "close", "a request in flight when the drain begins is answered with Connection: close");
        longResponse!.StatusCode.Should().Be(200, "a request still in flight when the drain ends finishes within the shutdown timeout");
        longResponse.Headers.Should().Contain("Connection", "close");
        (await longOne.IsClosedByServerAsync()).Should().BeTrue();
        clock.Elapsed.Should().BeLessThan(_drain + gateway.Options.ShutdownTimeout, "the stop waited for the request, not for the deadline");
    }

    [Fact]
    public async Task Http2_DuringTheDrain_GetsGoaway_StreamInFlightCompletes_AndNewRequestsUseANewConnection()
    {
        await using var gateway = new GatewayUnderTest();
        gateway.WriteFile("secret.yaml", TestCertificates.SecretYaml("default", "serving", "example.com"));
        var port = await ServeAsync(gateway, tls: true);
        var connections = 0;
        using var client = CountingClient(() => Interlocked.Increment(ref connections), http2: true);
        var url = new Uri($"https://127.0.0.1:{port}/");
        (await client.GetAsync(url)).Version.Should().Be(HttpVersion.Version20);
        var slow = new HttpRequestMessage(HttpMethod.Get, new Uri(url, "/slow")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        slow.Headers.Add("X-Echo-Delay", "3000");
        var inFlight = client.SendAsync(slow);
        (await client.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.OK);
        connections.Should().Be(1, "HTTP/2 carries both streams on one connection");

        var stopping = await BeginStopAsync(gateway);
        // Requests during the drain, until one goes on a new connection; on the old code none does before the drain ends.
        var failures = new List<string>();
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref connections) == 1 && deadline.Elapsed < TimeSpan.FromSeconds(3))
        {
            try
            {
                using var response = await client.GetAsync(url);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add(response.StatusCode.ToString());
                }
            }
            catch (HttpRequestException e)
            {
                failures.Add(e.Message);
            }

            await Task.Delay(20);
        }

        var connectionsDuringTheDrain = Volatile.Read(ref connections);
        using var slowResponse = await inFlight;
        await stopping;

        connectionsDuringTheDrain.Should().BeGreaterThan(1, "GOAWAY moved the client to a new connection within the drain");
        failures.Should().BeEmpty();
        slowResponse.StatusCode.Should().Be(HttpStatusCode.OK, "a stream in flight on the connection that got GOAWAY completes");
        slowResponse.Version.Should().Be(HttpVersion.Version20);
    }

    [Fact]
    public async Task WebSocket_OpenWhenTheDrainBegins_KeepsWorkingThroughIt()
    {
        await using var gateway = new GatewayUnderTest();
        gateway.Options.ShutdownTimeout = TimeSpan.FromSeconds(3);
        var port = await ServeAsync(gateway);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/chat"), CancellationToken.None);
        (await EchoAsync(socket, "before")).Should().Be("echo: before");
        using var idle = await RawHttp1Connection.OpenAsync(port);
        (await idle.GetAsync("/"))!.StatusCode.Should().Be(200);

        var stopping = await BeginStopAsync(gateway);

        // The idle connection is younger than the WebSocket's: once it is closed, the WebSocket's was asked to close too.
        var swept = await idle.ClosedByServerWithinAsync(TimeSpan.FromSeconds(3));
        var during = await EchoAsync(socket, "during");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        await stopping;

        swept.Should().BeTrue();
        during.Should().Be("echo: during", "an upgraded connection goes on through the drain");
    }

    private static async Task<string> EchoAsync(ClientWebSocket socket, string message)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }

    /// <summary>Serves / from an echo backend on a fresh port, with a drain period of <see cref="_drain"/>.</summary>
    private static Task<int> ServeAsync(GatewayUnderTest gateway, bool tls = false)
    {
        gateway.Options.DrainPeriod = _drain;
        return ConnectionLimitTests.ServeAsync(gateway, "{}", tls);
    }

    /// <summary>Stops the gateway in the background and returns once /readyz says 503: the drain has begun.</summary>
    private static async Task<Task> BeginStopAsync(GatewayUnderTest gateway)
    {
        var stopping = gateway.StopAsync();
        await Eventually.TrueAsync(async () => (await gateway.Client.GetAsync(new Uri(gateway.Admin, "/readyz"))).StatusCode == HttpStatusCode.ServiceUnavailable,
            "/readyz says 503", TimeSpan.FromSeconds(2));
        return stopping;
    }

    /// <summary>A keep-alive client that counts the connections it opens.</summary>
    private static HttpClient CountingClient(Action connected, bool http2 = false) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // Self-signed test certificate.
            ConnectCallback = async (context, cancel) =>
            {
                connected();
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        {
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(15),
        };
}
