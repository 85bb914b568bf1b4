// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text.Json;
using Gateway.Proxy.Forwarding;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Retries and mirrors need the request body more than once. It is held in memory up to a cap; a larger body is
/// sent once, whole, without them, rather than held whole (one large upload could fill memory or disk).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ReplayableBodyTests
{
    private static readonly int Large = ReplayableRequestBody.MaxBytes + 50_000;

    private static string Route(string filters, string retry) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: replayed
        spec:
          parentRefs:
          - name: gw
          rules:
          - backendRefs:
            - {name: primary, port: 80}
        {{filters}}
        {{retry}}
        """;

    private const string RetryOn500 = "    retry: {codes: [500], attempts: 2, backoff: 1ms}";

    private const string MirrorFilter = """
            filters:
            - type: RequestMirror
              requestMirror:
                backendRef: {name: mirror, port: 80}
        """;

    private static async Task<(GatewayUnderTest Gateway, int Port, Demo.DemoBackend Primary, Demo.DemoBackend Mirror)> StartAsync(string route)
    {
        var gateway = new GatewayUnderTest();
        var primary = await gateway.StartBackendAsync("primary");
        var mirror = await gateway.StartBackendAsync("mirror");
        var port = TestPorts.Free();
        gateway.WriteFile("all.yaml", Manifests.Join(
            Manifests.GatewayClass, Manifests.Gateway("gw", port), Manifests.Backend("primary", primary.Port), Manifests.Backend("mirror", mirror.Port), route));
        await gateway.StartAsync();
        return (gateway, port, primary, mirror);
    }

    private static HttpRequestMessage Post(int port, string path, int bytes, bool chunked, string? status = null)
    {
        var body = new byte[bytes];
        Random.Shared.NextBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}{path}"))
        {
            Content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body),
        };
        request.Headers.TransferEncodingChunked = chunked;
        request.Headers.Add("X-Echo-Read-Body", "1");
        if (status is not null)
        {
            request.Headers.Add("X-Echo-Status", status);
        }

        return request;
    }

    /// <summary>The count of gateway.request.bodies_not_replayable for what was given up, from /metrics.</summary>
    private static async Task<int> NotReplayableAsync(GatewayUnderTest gateway, string givenUp) =>
        (await gateway.GetStringAsync($"{gateway.Admin}metrics")).Split('\n')
            .Where(l => l.StartsWith("gateway_request_bodies_not_replayable_total{", StringComparison.Ordinal) && l.Contains($"given_up=\"{givenUp}\"", StringComparison.Ordinal))
            .Select(l => int.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();

    private static async Task<long> BodyBytesAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("bodyBytes").GetInt64();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SmallBody_OnARetriedRoute_IsSentWholeOnEveryAttempt(bool chunked)
    {
        var (gateway, port, primary, _) = await StartAsync(Route("", RetryOn500));
        await using var _ = gateway;

        using var response = await gateway.Client.SendAsync(Post(port, "/small", 20_000, chunked, status: "500"));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await BodyBytesAsync(response)).Should().Be(20_000, "the last attempt carried the whole body again");
        primary.Received.Count(r => r == "POST /small").Should().Be(3, "one try and two retries");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LargeBody_OnARetriedRoute_IsSentOnceWhole_WithoutRetries(bool chunked)
    {
        var (gateway, port, primary, _) = await StartAsync(Route("", RetryOn500));
        await using var _ = gateway;

        using var response = await gateway.Client.SendAsync(Post(port, "/large", Large, chunked, status: "500"));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError, "the backend's answer is the answer when it cannot be asked again");
        (await BodyBytesAsync(response)).Should().Be(Large);
        primary.Received.Count(r => r == "POST /large").Should().Be(1);
        (await NotReplayableAsync(gateway, "retry")).Should().Be(1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LargeBody_OnAMirroredRoute_ReachesThePrimaryWhole_AndNoMirror(bool chunked)
    {
        var (gateway, port, primary, mirror) = await StartAsync(Route(MirrorFilter, ""));
        await using var _ = gateway;

        using var large = await gateway.Client.SendAsync(Post(port, "/large", Large, chunked));
        using var small = await gateway.Client.SendAsync(Post(port, "/small", 1_000, chunked));

        large.StatusCode.Should().Be(HttpStatusCode.OK);
        (await BodyBytesAsync(large)).Should().Be(Large);
        (await BodyBytesAsync(small)).Should().Be(1_000);
        await Eventually.TrueAsync(() => Task.FromResult(mirror.Received.Contains("POST /small")), "the small request is mirrored");
        mirror.Received.Should().NotContain("POST /large", "a body over the cap is not copied");
        (await NotReplayableAsync(gateway, "mirror")).Should().Be(1);
    }
}
