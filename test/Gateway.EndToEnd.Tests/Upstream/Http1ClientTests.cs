// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text;

namespace Gateway.EndToEnd.Tests.Upstream;

/// <summary>
/// The gateway's HTTP/1.1 client seen from both sides: raw-socket backends answer with exactly the bytes a test wants,
/// and raw or HttpClient clients see what the gateway makes of them.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class Http1ClientTests
{
    private static async Task<(GatewayUnderTest Gateway, int Port)> StartAsync(ScriptedBackend backend)
    {
        var gateway = new GatewayUnderTest();
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("raw", backend.Port), Manifests.Route("r", "gw", "/", "raw")));
        await gateway.StartAsync();
        return (gateway, port);
    }

    private static Func<ScriptedBackend.Request, Stream, Task<bool>> Answer(string response, bool keepOpen = true) =>
        async (_, stream) =>
        {
            await ScriptedBackend.WriteAsync(stream, response);
            return keepOpen;
        };

    [Fact]
    public async Task KeepAliveConnections_AreReused_AcrossRequests()
    {
        await using var backend = new ScriptedBackend(Answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"));
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;

        for (var i = 0; i < 20; i++)
        {
            (await gateway.GetStringAsync($"http://127.0.0.1:{port}/n{i}")).Should().Be("hello");
        }

        backend.Connections.Should().Be(1, "one request at a time needs one pooled connection");
        backend.Received.Should().HaveCount(20);
    }

    [Fact]
    public async Task RequestHead_CarriesTheClientsHeaders_ButNotHopByHopOnes()
    {
        await using var backend = new ScriptedBackend(Answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;
        using var client = await RawHttp1Connection.OpenAsync(port);

        (await client.GetAsync("/a%2Fb?q=1", new()
        {
            ["X-Custom"] = "one",
            ["Connection"] = "X-Secret", // Kestrel keeps only "keep-alive" of a value that also lists it.
            ["X-Secret"] = "hop only",
            ["Keep-Alive"] = "timeout=5",
            ["Proxy-Connection"] = "keep-alive",
            ["TE"] = "trailers",
            ["X-Forwarded-For"] = "10.0.0.1",
        }))!.StatusCode.Should().Be(200);

        var request = backend.Received.Single();
        request.Line.Should().Be("GET /a%2Fb?q=1 HTTP/1.1");
        request.Header("Host").Should().Be("example.com");
        request.Header("X-Custom").Should().Be("one");
        request.Header("X-Forwarded-For").Should().Be("10.0.0.1, 127.0.0.1");
        request.Header("X-Forwarded-Proto").Should().Be("http");
        request.Header("X-Forwarded-Host").Should().Be("example.com");
        foreach (var hopByHop in new[] { "Connection", "X-Secret", "Keep-Alive", "Proxy-Connection", "TE", "Transfer-Encoding", "Content-Length" })
        {
            request.Header(hopByHop).Should().BeNull($"{hopByHop} is not forwarded: {request.Head}");
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: injected=1\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\nSet-Cookie: injected=1\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\nok")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n")]
    [InlineData("NOT HTTP\r\n\r\n")]
    public async Task MalformedOrAmbiguousResponseHead_Answers502_AndTheConnectionIsNotReused(string response)
    {
        await using var backend = new ScriptedBackend(Answer(response));
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;

        using var first = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
        using var second = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));

        first.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        first.Headers.Contains("Set-Cookie").Should().BeFalse();
        second.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        backend.Connections.Should().Be(2, "a connection that sent a refused head is closed, not pooled");
    }

    [Fact]
    public async Task OversizedResponseHead_Answers502()
    {
        await using var backend = new ScriptedBackend(Answer($"HTTP/1.1 200 OK\r\nX-Big: {new string('a', 70_000)}\r\nContent-Length: 0\r\n\r\n"));
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;

        (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/"))).StatusCode.Should().Be(HttpStatusCode.BadGateway);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nonly ten b\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nonly ten b\r\nzz\r\n")]
    public async Task BackendClosingMidBody_AbortsTheClientConnection_RatherThanEndingTheResponse(string response)
    {
        await using var backend = new ScriptedBackend(Answer(response, keepOpen: false));
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;
        using var client = await RawHttp1Connection.OpenAsync(port);

        (await client.GetAsync("/")).Should().BeNull("a body cut short must not reach the client as a complete response");
    }

    [Fact]
    public async Task ChunkedResponse_IsForwardedWhole_AndTrailersAreDropped()
    {
        await using var backend = new ScriptedBackend(Answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"));
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;

        (await gateway.GetStringAsync($"http://127.0.0.1:{port}/")).Should().Be("hello world");
        (await gateway.GetStringAsync($"http://127.0.0.1:{port}/")).Should().Be("hello world");
        backend.Connections.Should().Be(1);
    }

    [Fact]
    public async Task LargeBody_WrittenInPieces_IsForwardedByteForByte_AndTheConnectionIsReused()
    {
        // Longer than one socket read, sent after the head in pieces, so the gateway reads most of it past what came with the head.
        var body = new byte[300_001];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = (byte)(i * 31 % 251);
        }

        await using var backend = new ScriptedBackend(async (_, stream) =>
        {
            await ScriptedBackend.WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n");
            await stream.WriteAsync(body.AsMemory(0, 1_000));
            await stream.FlushAsync();
            await stream.WriteAsync(body.AsMemory(1_000, 99_000));
            await stream.FlushAsync();
            await stream.WriteAsync(body.AsMemory(100_000));
            return true;
        });
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;
        using var client = new HttpClient();

        for (var i = 0; i < 3; i++)
        {
            (await client.GetByteArrayAsync($"http://127.0.0.1:{port}/big{i}")).Should().Equal(body);
        }

        backend.Connections.Should().Be(1, "reading the body must stop at its end, leaving the connection fit for the next request");
    }

    [Fact]
    public async Task CloseDelimitedResponse_IsForwardedWhole()
    {
        await using var backend = new ScriptedBackend(Answer("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", keepOpen: false));
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;

        (await gateway.GetStringAsync($"http://127.0.0.1:{port}/")).Should().Be("until the end");
        (await gateway.GetStringAsync($"http://127.0.0.1:{port}/")).Should().Be("until the end");
        backend.Connections.Should().Be(2);
    }

    [Theory]
    [InlineData("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")]
    [InlineData("GET", "HTTP/1.1 204 No Content\r\n\r\n")]
    [InlineData("GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n")]
    public async Task ResponsesWithoutBody_EndAtTheirHead_AndTheConnectionIsReused(string method, string response)
    {
        await using var backend = new ScriptedBackend(Answer(response));
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;

        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri($"http://127.0.0.1:{port}/"));
            using var answer = await gateway.Client.SendAsync(request);
            ((int)answer.StatusCode).Should().Be(int.Parse(response[9..12], System.Globalization.CultureInfo.InvariantCulture));
            (await answer.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        }

        backend.Connections.Should().Be(1, "no body was waited for, so the connection stays in step");
    }

    [Fact]
    public async Task PooledConnectionClosedByTheBackend_IsRetriedOnANewOne_ForARequestWithoutBody()
    {
        // The backend answers the first request on each connection, and closes the connection on the second without answering.
        await using var backend = new ScriptedBackend(async (request, stream) =>
        {
            if (request.Index > 1)
            {
                return false;
            }

            await ScriptedBackend.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return true;
        });
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;

        for (var i = 0; i < 4; i++)
        {
            (await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/"))).StatusCode.Should().Be(HttpStatusCode.OK, $"request {i}");
        }

        backend.Connections.Should().BeGreaterThanOrEqualTo(4);
    }

    [Fact]
    public async Task PooledConnectionTheBackendClosedWhileIdle_IsNotUsed_SoAPostWithBodyGoesThrough()
    {
        // Once a body has been taken from the client the request cannot go again: the closed connection must be noticed before sending.
        await using var backend = new ScriptedBackend(async (request, stream) =>
        {
            await ScriptedBackend.WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {request.Body.Length + 2}\r\n\r\nok{request.Body}");
            return false; // Keep-alive by its head, closed right after: as a backend's idle timeout or restart does.
        });
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;

        for (var i = 1; i <= 3; i++)
        {
            (await gateway.GetStringAsync($"http://127.0.0.1:{port}/")).Should().Be("ok");
            await Eventually.TrueAsync(() => Task.FromResult(backend.Closed == (2 * i) - 1), "the backend closed the GET's connection");
            using var posted = await gateway.Client.PostAsync(new Uri($"http://127.0.0.1:{port}/"), new StringContent($"body {i}"));
            posted.StatusCode.Should().Be(HttpStatusCode.OK, $"round {i}");
            (await posted.Content.ReadAsStringAsync()).Should().Be($"okbody {i}");
            await Eventually.TrueAsync(() => Task.FromResult(backend.Closed == 2 * i), "the backend closed the POST's connection");
        }

        backend.Connections.Should().Be(6, "each request went on a new connection, none on a closed one");
    }

    [Fact]
    public async Task PooledConnectionOnWhichTheBackendSpokeUnasked_IsNotUsed()
    {
        // Some servers send "408 Request Timeout" on an idle keep-alive connection before closing it: read as the
        // answer to the next request, it would reach a client that never timed out.
        var unasked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = new ScriptedBackend(async (request, stream) =>
        {
            await ScriptedBackend.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            if (request.Connection == 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100)); // Until the gateway has pooled the connection.
                await ScriptedBackend.WriteAsync(stream, "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n");
                unasked.TrySetResult();
            }

            return true;
        });
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;

        (await gateway.GetStringAsync($"http://127.0.0.1:{port}/first")).Should().Be("ok");
        await unasked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var second = await gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{port}/second"));

        second.StatusCode.Should().Be(HttpStatusCode.OK, "the 408 was not an answer to this request");
        backend.Connections.Should().Be(2);
    }

    [Fact]
    public async Task PostBody_WithContentLengthAndChunked_ReachesTheBackend()
    {
        await using var backend = new ScriptedBackend(async (request, stream) =>
        {
            await ScriptedBackend.WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {request.Body.Length}\r\n\r\n{request.Body}");
            return true;
        });
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;
        var body = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)('a' + (i % 26))));

        using var sized = await gateway.Client.PostAsync(new Uri($"http://127.0.0.1:{port}/"), new StringContent(body));
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}/")) { Content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(body))) };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var chunked = await gateway.Client.SendAsync(chunkedRequest);

        (await sized.Content.ReadAsStringAsync()).Should().Be(body);
        (await chunked.Content.ReadAsStringAsync()).Should().Be(body);
        var received = backend.Received.ToArray();
        received[0].Header("Content-Length").Should().Be("20000");
        received[1].Header("Transfer-Encoding").Should().Be("chunked");
        backend.Connections.Should().Be(1);
    }

    [Fact]
    public async Task ExpectContinue_BodyIsSentAfterTheBackendsContinue()
    {
        await using var backend = new ScriptedBackend(async (request, stream) =>
        {
            await ScriptedBackend.WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {request.Body.Length}\r\n\r\n{request.Body}");
            return true;
        })
        {
            BeforeBody = async (request, stream) =>
            {
                request.Header("Expect").Should().Be("100-continue");
                await ScriptedBackend.WriteAsync(stream, "HTTP/1.1 100 Continue\r\n\r\n");
                return true;
            },
        };
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;
        using var client = await RawHttp1Connection.OpenAsync(port);

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: 7\r\n\r\n");
        (await client.ReadResponseAsync())!.StatusCode.Should().Be(100, "the client is told to go on once the backend asked for the body");
        await client.SendAsync("payload");
        var response = await client.ReadResponseAsync();

        response!.StatusCode.Should().Be(200);
        response.Body.Should().Be("payload");
    }

    [Fact]
    public async Task ExpectContinue_FinalAnswerFirst_IsForwarded_AndTheBodyNeverSent()
    {
        await using var backend = new ScriptedBackend((_, _) => Task.FromResult(true))
        {
            BeforeBody = async (_, stream) =>
            {
                await ScriptedBackend.WriteAsync(stream, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnope");
                await Task.Delay(TimeSpan.FromSeconds(3)); // Long enough to see the gateway does not send the body.
                return false;
            },
        };
        var (gateway, port) = await StartAsync(backend);
        await using var _ = gateway;
        using var client = await RawHttp1Connection.OpenAsync(port);

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: 7\r\n\r\n");
        var response = await client.ReadResponseAsync();

        response!.StatusCode.Should().Be(401);
        response.Body.Should().Be("nope");
    }

    [Fact]
    public async Task YarpFallback_StillServes()
    {
        await using var backend = new ScriptedBackend(Answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
        await using var gateway = new GatewayUnderTest();
        gateway.Options.UpstreamClient = Gateway.Proxy.Upstream.UpstreamClient.Yarp;
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("raw", backend.Port), Manifests.Route("r", "gw", "/", "raw")));
        await gateway.StartAsync();

        (await gateway.GetStringAsync($"http://127.0.0.1:{port}/")).Should().Be("hello");
    }
}
