// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Proxy.Listeners;

namespace Gateway.EndToEnd.Tests;

/// <summary>Request body size, client timeouts and the client connection budget, seen from real client sockets.</summary>
[Trait("Category", "EndToEnd")]
[Collection(MetersCollection.Name)]
public sealed class ClientLimitTests
{
    [Fact]
    public async Task Body_LargerThanKestrelsDefault_IsStreamedToTheBackend()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{}");
        var size = 31 * 1024 * 1024;

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}/upload")) { Content = new ByteArrayContent(new byte[size]) };
        request.Headers.Add("X-Echo-Read-Body", "1");
        using var response = await gateway.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["bodyBytes"]!.GetValue<long>().Should().Be(size);
    }

    [Fact]
    public async Task Body_DeclaredLargerThanTheLimit_Answers413_WithoutReachingTheBackend()
    {
        await using var gateway = new GatewayUnderTest();
        var backend = await gateway.StartBackendAsync("echo");
        var port = await ServeAsync(gateway, "{limits: {maxRequestBodySize: 1Ki}}", backend);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}/upload")) { Content = new ByteArrayContent(new byte[1025]) };
        using var response = await gateway.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).Should().Contain("limit of 1024 bytes");
        backend.Received.Should().BeEmpty("nothing is forwarded");
        using var fits = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}/upload")) { Content = new ByteArrayContent(new byte[1024]) };
        (await gateway.Client.SendAsync(fits)).StatusCode.Should().Be(HttpStatusCode.OK, "a body at the limit passes");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientStillSendingABodyOverTheLimit_Reads413_NotABadGatewayNorAConnectionReset(bool chunked)
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{limits: {maxRequestBodySize: 64Ki}}");

        // Declared too large, the 413 is answered before any of the body is read, and the client sends it all the same
        // (no Expect: 100-continue); chunked, the limit trips while the body streams to the backend. Either way a socket
        // closed with the client's bytes unread sends a TCP reset, and the client loses the 413 it was about to read
        // (Kestrel also aborts the connection when its own body limit trips). Several uploads: the race is lost only
        // most of the time.
        for (var upload = 0; upload < 5; upload++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}/upload")) { Content = new StreamContent(new MemoryStream(new byte[8 * 1024 * 1024])) };
            request.Headers.TransferEncodingChunked = chunked;
            request.Headers.Add("X-Echo-Read-Body", "1"); // The backend does not answer before the body crosses the limit.
            using var response = await gateway.Client.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge, $"upload {upload}");
        }
    }

    [Fact]
    public async Task Body_CutShortByTheClient_IsNotCountedAsABadGateway()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{}");
        using var connection = await RawHttp1Connection.OpenAsync(port);

        await connection.SendAsync("POST /upload HTTP/1.1\r\nHost: example.com\r\nX-Echo-Read-Body: 1\r\nContent-Length: 100000\r\n\r\nonly a few bytes");
        connection.EndSending();

        // Kestrel takes the end of the stream as the client going away: nobody to answer, and nothing to blame the backend for.
        (await connection.ReadResponseAsync())?.StatusCode.Should().NotBe(502);
        await Eventually.TrueAsync(async () => (await MetricLinesAsync(gateway, "gateway_request_duration_seconds_count{")).Length > 0, "the request is counted");
        (await MetricLinesAsync(gateway, "gateway_request_duration_seconds_count{")).Should().NotContain(line => line.Contains("code=\"502\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HalfARequestHead_IsClosedAfterTheRequestHeadersTimeout()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{timeouts: {requestHeaders: 1s}}");
        using var connection = await RawHttp1Connection.OpenAsync(port);
        var started = Stopwatch.StartNew();

        await connection.SendAsync("GET / HTTP/1.1\r\nHost: example.com\r\n");

        (await connection.ClosedByServerWithinAsync(TimeSpan.FromSeconds(5))).Should().BeTrue("Kestrel's default would wait 30 s");
        started.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public async Task IdleKeepAliveConnection_IsClosedAfterClientIdle()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{timeouts: {clientIdle: 1s}}");
        using var connection = await RawHttp1Connection.OpenAsync(port);

        (await connection.GetAsync("/"))!.StatusCode.Should().Be(200);

        (await connection.ClosedByServerWithinAsync(TimeSpan.FromSeconds(5))).Should().BeTrue("Kestrel's default would wait 130 s");
    }

    [Fact]
    public async Task ClientConnectionBudget_Reached_ShedsNewConnections_WhileAdminAndOpenConnectionsAnswer()
    {
        await using var gateway = new GatewayUnderTest();
        gateway.Options.MaxClientConnections = 3; // What a low open-files limit would give.
        var port = await ServeAsync(gateway, "{}");
        var open = new List<RawHttp1Connection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                open.Add(await RawHttp1Connection.OpenAsync(port));
                (await open[i].GetAsync("/"))!.StatusCode.Should().Be(200);
            }

            using (var shed = await RawHttp1Connection.OpenAsync(port))
            {
                (await shed.GetAsync("/")).Should().BeNull("the budget is spent");
            }

            (await gateway.Client.GetAsync(new Uri(gateway.Admin, "/healthz"))).StatusCode.Should().Be(HttpStatusCode.OK);
            foreach (var connection in open)
            {
                (await connection.GetAsync("/"))!.StatusCode.Should().Be(200, "open connections keep working");
            }

            (await MetricLinesAsync(gateway, "gateway_connections_rejected_total{")).Should().Contain(line => line.Contains($"bind=\"127.0.0.1:{port}\"", StringComparison.Ordinal));
        }
        finally
        {
            open.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task InvalidValues_AreReportedInStatus_AndTheDefaultsApply()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ServeAsync(gateway, "{limits: {maxRequestBodySize: 10MB}, timeouts: {requestHeaders: soon, clientIdle: 0s}}");

        var status = await gateway.GetStringAsync($"{gateway.Admin}status");
        status.Should().Contain("InvalidParameters")
            .And.Contain("spec.limits.maxRequestBodySize: 10MB is not a size such as 10Mi")
            .And.Contain("spec.timeouts.requestHeaders: soon is not a positive duration")
            .And.Contain("spec.timeouts.clientIdle: 0s is not a positive duration");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}/")) { Content = new ByteArrayContent(new byte[100_000]) };
        (await gateway.Client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK, "no body limit applies");
    }

    [Theory]
    [InlineData(2_000UL, 872)] // The reproduced case: 2,300 idle clients no longer exhaust 2,000 descriptors.
    [InlineData(1_048_576UL, 524_160)]
    [InlineData(200UL, ClientConnectionBudget.Minimum)]
    [InlineData(ulong.MaxValue, null)]
    public void Budget_IsHalfOfTheOpenFilesLimitAfterTheReserve(ulong softLimit, int? expected) =>
        ClientConnectionBudget.ForDescriptorLimit(softLimit).Should().Be(expected);

    private static async Task<string[]> MetricLinesAsync(GatewayUnderTest gateway, string prefix) =>
        [.. (await gateway.GetStringAsync($"{gateway.Admin}metrics")).Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];

    private static async Task<int> ServeAsync(GatewayUnderTest gateway, string proxyConfigSpec, Gateway.Demo.DemoBackend? backend = null)
    {
        backend ??= await gateway.StartBackendAsync("echo");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClassWithProxyConfig(proxyConfigSpec),
            Manifests.Gateway("gw", port),
            Manifests.Backend("echo", backend.Port),
            Manifests.Route("r", "gw", "/", "echo")));
        await gateway.StartAsync();
        return port;
    }
}
