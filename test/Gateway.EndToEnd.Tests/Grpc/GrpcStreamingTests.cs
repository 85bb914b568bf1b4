// SPDX-License-Identifier: Apache-2.0
using Gateway.EndToEnd.Tests.Grpc.Streaming;
using global::Grpc.Core;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>The four gRPC call shapes through a GRPCRoute, with their trailers; messages flow as they are sent.</summary>
[Trait("Category", "EndToEnd")]
public sealed class GrpcStreamingTests
{
    [Fact]
    public async Task Unary_ReachesTheBackend_WithItsTrailers()
    {
        await using var grpc = await GrpcGateway.StartAsync();

        using var call = grpc.Client.UnaryAsync(new Note { Text = "hello" });
        var answer = await call;

        answer.Should().Be(new Note { Text = "hello", Backend = "default/grpc" });
        call.GetTrailers().GetValue("x-backend-method").Should().Be("default/grpc unary");
        call.GetStatus().StatusCode.Should().Be(StatusCode.OK);
    }

    [Fact]
    public async Task ClientStreaming_EveryMessageArrives_WithTrailers()
    {
        await using var grpc = await GrpcGateway.StartAsync();

        using var call = grpc.Client.Collect();
        for (var i = 0; i < 200; i++)
        {
            await call.RequestStream.WriteAsync(new Note { Text = (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        await call.RequestStream.CompleteAsync();
        var answer = await call;

        answer.Count.Should().Be(200);
        answer.Text.Should().Be(string.Concat(Enumerable.Repeat("0123456789", 20)));
        call.GetTrailers().GetValue("x-backend-method").Should().Be("default/grpc collect");
    }

    [Fact]
    public async Task ServerStreaming_EveryMessageArrivesInOrder_WithTrailers()
    {
        await using var grpc = await GrpcGateway.StartAsync();

        using var call = grpc.Client.Count(new Note { Text = "n", Count = 1000 });
        var counts = new List<int>();
        await foreach (var note in call.ResponseStream.ReadAllAsync())
        {
            counts.Add(note.Count);
        }

        counts.Should().Equal(Enumerable.Range(1, 1000));
        call.GetTrailers().GetValue("x-backend-method").Should().Be("default/grpc count");
        call.GetStatus().StatusCode.Should().Be(StatusCode.OK);
    }

    [Fact]
    public async Task Bidirectional_EachAnswerArrivesBeforeTheNextMessageIsSent()
    {
        await using var grpc = await GrpcGateway.StartAsync();

        using var call = grpc.Client.Chat();
        for (var i = 1; i <= 20; i++)
        {
            // Ping-pong: the next message is sent only once this one's answer is back, so any buffering of either
            // direction in the gateway would stall the call.
            await call.RequestStream.WriteAsync(new Note { Text = $"ping {i}" });
            (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue();
            call.ResponseStream.Current.Should().Be(new Note { Text = $"ping {i}", Count = i, Backend = "default/grpc" });
        }

        await call.RequestStream.CompleteAsync();
        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeFalse();
        call.GetTrailers().GetValue("x-backend-method").Should().Be("default/grpc chat");
    }

    [Fact]
    public async Task BackendStatus_PassesThroughWithItsMessage()
    {
        await using var grpc = await GrpcGateway.StartAsync();

        var failure = await grpc.Invoking(g => g.Client.FailAsync(new Note { Text = "no such thing", Count = (int)StatusCode.NotFound }).ResponseAsync)
            .Should().ThrowAsync<RpcException>();

        failure.Which.StatusCode.Should().Be(StatusCode.NotFound);
        failure.Which.Status.Detail.Should().Be("no such thing");
    }

    [Fact]
    public async Task OpenStream_SurvivesFiftyRouteChanges()
    {
        await using var churnBackend = await GrpcBackend.StartAsync("default/churn");
        await using var grpc = await GrpcGateway.StartAsync(Manifests.Backend("churn", churnBackend.Port));
        using var call = grpc.Client.Chat();
        await call.RequestStream.WriteAsync(new Note { Text = "before" });
        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue();

        for (var i = 1; i <= 50; i++)
        {
            // Each change replaces a GRPCRoute on the listener the stream came in on (no hostnames, so the same
            // VirtualHost): Unary calls carrying x-churn: i go to another backend, which shows the change is in force.
            // A GRPCRoute, not an HTTPRoute: an HTTPRoute on the same hostnames would take the listener from the
            // GRPCRoutes (the cross-serving rule) instead of being an unrelated change.
            var number = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grpc.Gateway.WriteFile("churn.yaml", GrpcGateway.Route("churn", "gateway.tests.Streaming", "churn", "Unary", ("x-churn", number)));
            var churn = new Metadata { { "x-churn", number } };
            await Eventually.TrueAsync(async () => (await grpc.Client.UnaryAsync(new Note { Text = "probe" }, churn)).Backend == "default/churn",
                $"route change {i} is served");

            await call.RequestStream.WriteAsync(new Note { Text = $"after {i}" });
            (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue($"the stream still answers after change {i}");
            call.ResponseStream.Current.Text.Should().Be($"after {i}");
        }

        await call.RequestStream.CompleteAsync();
        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeFalse();
        call.GetStatus().StatusCode.Should().Be(StatusCode.OK);
        call.GetTrailers().GetValue("x-backend-method").Should().Be("default/grpc chat");
    }
}
