// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>HTTP/1.1 and prior-knowledge HTTP/2 (h2c) on one cleartext listener.</summary>
[Trait("Category", "EndToEnd")]
public sealed class CleartextHttp2Tests
{
    [Fact]
    public async Task OnePort_ServesHttp11AndH2cClients()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "");
        using var http2 = Http2Client();

        var h1 = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/one"));
        var h2 = await http2.GetAsync(new Uri($"http://127.0.0.1:{port}/two"));

        h1.Version.Should().Be(HttpVersion.Version11);
        h2.Version.Should().Be(HttpVersion.Version20);
        JsonNode.Parse(await h1.Content.ReadAsStringAsync())!["path"]!.GetValue<string>().Should().Be("/one");
        JsonNode.Parse(await h2.Content.ReadAsStringAsync())!["path"]!.GetValue<string>().Should().Be("/two");
    }

    [Fact]
    public async Task H2cClient_ManyConcurrentStreamsOnOneConnection_AllServed()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "");
        var connections = 0;
        using var http2 = Http2Client(() => Interlocked.Increment(ref connections));

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => http2.GetStringAsync(new Uri($"http://127.0.0.1:{port}/s{i}"))));

        responses.Select(r => JsonNode.Parse(r)!["path"]!.GetValue<string>()).Should().BeEquivalentTo(Enumerable.Range(0, 50).Select(i => $"/s{i}"));
        connections.Should().Be(1, "HTTP/2 multiplexes the streams over one connection");
    }

    [Fact]
    public async Task ConnectionLimit_CountsHttp11AndH2cConnectionsAlike()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{connectionLimits: {maxConnections: 2}}");
        using var first = await RawHttp1Connection.OpenAsync(port);
        (await first.GetAsync("/"))!.StatusCode.Should().Be(200);
        using var http2 = Http2Client();
        (await http2.GetAsync(new Uri($"http://127.0.0.1:{port}/"))).StatusCode.Should().Be(HttpStatusCode.OK);

        using var third = await RawHttp1Connection.OpenAsync(port);

        (await third.GetAsync("/")).Should().BeNull("an HTTP/1.1 and an HTTP/2 connection fill a limit of two");
    }

    [Fact]
    public async Task Http2Limits_HaveDefaults_AndProxyConfigSetsThem()
    {
        await using var defaults = new GatewayUnderTest();
        await ServeAsync(defaults, "");
        var kestrel = defaults.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.Http2;
        kestrel.MaxStreamsPerConnection.Should().Be(100);
        kestrel.KeepAlivePingDelay.Should().Be(TimeSpan.FromSeconds(60), "idle HTTP/2 clients are pinged by default");
        kestrel.KeepAlivePingTimeout.Should().Be(TimeSpan.FromSeconds(20));

        await using var configured = new GatewayUnderTest();
        await ServeAsync(configured, "{http2: {maxConcurrentStreams: 7, maxFrameSize: 32768, maxHeaderFieldSize: 4096, keepAlivePingInterval: 5s, keepAlivePingTimeout: 2s}}");
        var set = configured.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.Http2;
        await Eventually.TrueAsync(() => Task.FromResult(set.MaxStreamsPerConnection == 7), "the ProxyConfig's HTTP/2 limits apply");
        (set.MaxFrameSize, set.MaxRequestHeaderFieldSize, set.KeepAlivePingDelay, set.KeepAlivePingTimeout)
            .Should().Be((32768, 4096, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task ClientThatSendsNothing_IsClosedAfterTheRequestHeadersTimeout()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{timeouts: {requestHeaders: 1s}}");
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);

        var buffer = new byte[16];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);

        read.Should().Be(0, "the gateway closes a connection that never says which protocol it speaks");
    }

    private static HttpClient Http2Client(Action? connected = null) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (context, cancel) =>
        {
            connected?.Invoke();
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(context.DnsEndPoint, cancel);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static async Task<int> ServeAsync(GatewayUnderTest gateway, string proxyConfig)
    {
        var backend = await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        var gatewayClass = proxyConfig.Length == 0 ? Manifests.GatewayClass : Manifests.GatewayClassWithProxyConfig(proxyConfig);
        gateway.WriteFile("all.yaml", Manifests.Join(gatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("echo", backend.Port), Manifests.Route("r", "gw", "/", "echo")));
        await gateway.StartAsync();
        return port;
    }
}
