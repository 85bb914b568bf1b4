// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>
/// What the gateway itself answers a gRPC call it cannot forward: HTTP 200 with grpc-status and grpc-message (never an
/// HTML or plain-text HTTP error), seen on the wire, not through a client library that maps HTTP statuses itself.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class GrpcErrorAnswerTests
{
    [Fact]
    public async Task NoMatchingRoute_IsUnimplemented()
    {
        await using var grpc = await GrpcGateway.StartAsync();

        var answer = await CallAsync(grpc.Port, "/nothing.Here/AtAll");

        AssertGrpcError(answer, "12");
    }

    [Fact]
    public async Task NoReadyEndpoint_IsUnavailable()
    {
        await using var grpc = await GrpcGateway.StartAsync(Manifests.Backend("empty", null), GrpcGateway.Route("empty", "empty.Service", "empty"));

        var answer = await CallAsync(grpc.Port, "/empty.Service/Call");

        AssertGrpcError(answer, "14");
    }

    [Fact]
    public async Task GrpcTimeout_EndsTheCallWithDeadlineExceeded()
    {
        await using var grpc = await GrpcGateway.StartAsync();
        var clock = Stopwatch.StartNew();

        // The backend's Stall method never answers and ignores grpc-timeout, so only the gateway can end this call.
        var answer = await CallAsync(grpc.Port, GrpcBackend.StallPath, grpcTimeout: "300m");

        AssertGrpcError(answer, "4");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "the gateway keeps to the call's 300 ms");
    }

    [Fact]
    public async Task Http11Request_StillGetsAPlainHttpError()
    {
        await using var grpc = await GrpcGateway.StartAsync();

        using var answer = await grpc.Gateway.Client.GetAsync(new Uri($"http://127.0.0.1:{grpc.Port}/nothing/here"));

        answer.StatusCode.Should().Be(HttpStatusCode.NotFound);
        answer.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
    }

    private static void AssertGrpcError(Answer answer, string grpcStatus)
    {
        answer.Status.Should().Be(HttpStatusCode.OK, "gRPC carries its errors in grpc-status, not in the HTTP status");
        answer.ContentType.Should().Be("application/grpc");
        answer.Headers.GetValueOrDefault("grpc-status").Should().Be(grpcStatus, $"headers: {string.Join(", ", answer.Headers)}");
        answer.Headers.GetValueOrDefault("grpc-message").Should().NotBeNullOrEmpty();
        answer.BodyLength.Should().Be(0, "a trailers-only answer has no messages");
    }

    /// <summary>An empty unary gRPC message over h2c, answered headers and trailers alike as one map.</summary>
    private static async Task<Answer> CallAsync(int port, string path, string? grpcTimeout = null)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(20),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}{path}"))
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]), // Uncompressed, zero-length message.
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (grpcTimeout is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", grpcTimeout);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var headers = response.Headers.Concat(response.TrailingHeaders)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, headers, body.Length);
    }

    private sealed record Answer(HttpStatusCode Status, string? ContentType, Dictionary<string, string> Headers, int BodyLength);
}
