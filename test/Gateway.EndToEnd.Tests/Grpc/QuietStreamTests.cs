// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using Gateway.EndToEnd.Tests.Grpc.Streaming;
using global::Grpc.Core;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>
/// The backend idle timeout (ProxyConfig timeouts.idle, 60 s by default) ends a request whose backend goes quiet. A gRPC
/// stream may rightly carry no message for longer (a subscription waiting for events), so gRPC calls are not cut by it:
/// HTTP/2 keepalive pings find dead peers instead, and grpc-timeout and the route's request timeout still bound a call.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class QuietStreamTests
{
    private const string ShortIdle = "{timeouts: {idle: 1s}}";

    [Fact]
    public async Task QuietBidirectionalStream_OutlivesTheBackendIdleTimeout()
    {
        await using var grpc = await GrpcGateway.StartAsync(_ => { }, ShortIdle);
        using var call = grpc.Client.Chat();
        await call.RequestStream.WriteAsync(new Note { Text = "before" });
        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue();

        // The quiet itself is what is tested: no message either way for six idle timeouts, and longer than Kestrel's
        // 5 s grace for a slow request body (a quiet client stream must not be taken for one).
        await Task.Delay(TimeSpan.FromSeconds(6));

        await call.RequestStream.WriteAsync(new Note { Text = "after the quiet" });
        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue("the stream was not cut while quiet");
        call.ResponseStream.Current.Should().Be(new Note { Text = "after the quiet", Count = 2, Backend = "default/grpc" });
        await call.RequestStream.CompleteAsync();
        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeFalse();
        call.GetStatus().StatusCode.Should().Be(StatusCode.OK);
    }

    [Fact]
    public async Task PlainHttpRequest_WhoseBackendGoesQuiet_IsStillCutByTheIdleTimeout()
    {
        await using var gateway = new GatewayUnderTest();
        var port = await ConnectionLimitTests.ServeAsync(gateway, ShortIdle, tls: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/slow"));
        request.Headers.Add("X-Echo-Delay", "5000");
        var clock = Stopwatch.StartNew();

        using var response = await gateway.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.GatewayTimeout);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(4), "the 1 s idle timeout ended it, not the backend's 5 s");
    }
}
