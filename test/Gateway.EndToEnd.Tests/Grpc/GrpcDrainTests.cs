// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.EndToEnd.Tests.Grpc.Streaming;
using global::Grpc.Core;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>
/// A gRPC stream open when the gateway begins a graceful stop is drained, not cut: it goes on through the drain period
/// and past the moment the listeners stop accepting, and ends normally when the client ends it.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class GrpcDrainTests
{
    private static readonly TimeSpan _drain = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan _shutdownTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task OpenStream_OnShutdown_GoesOnWhileNewConnectionsAreRefused_AndEndsNormally()
    {
        await using var grpc = await GrpcGateway.StartAsync(o => (o.DrainPeriod, o.ShutdownTimeout) = (_drain, _shutdownTimeout), proxyConfig: null);
        using var call = grpc.Client.Chat();
        (await ExchangeAsync(call, "before")).Should().Be(1);

        var clock = Stopwatch.StartNew();
        var stopping = grpc.Gateway.StopAsync();
        try
        {
            // Not bounded by the drain period: on a loaded machine the check may come late, and the stream must go on either way.
            await Eventually.TrueAsync(async () => (await grpc.Gateway.Client.GetAsync(new Uri(grpc.Gateway.Admin, "/readyz"))).StatusCode == HttpStatusCode.ServiceUnavailable,
                "the drain has begun");
            (await ExchangeAsync(call, "during the drain")).Should().Be(2);

            await Eventually.TrueAsync(() => RefusedAsync(grpc.Port), "the listener refuses new connections once the drain period is over", _drain + TimeSpan.FromSeconds(5));
            (await ExchangeAsync(call, "after the listener closed")).Should().Be(3, "the stream outlives the listener");
            stopping.IsCompleted.Should().BeFalse("the stop waits for the open stream");

            await call.RequestStream.CompleteAsync();
            (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeFalse();
            call.GetStatus().StatusCode.Should().Be(StatusCode.OK);
            call.GetTrailers().GetValue("x-backend-method").Should().Be("default/grpc chat", "the stream ends with its trailers, not a reset");
            await stopping;
            clock.Elapsed.Should().BeLessThan(_drain + _shutdownTimeout, "the stop ended with the stream, not at its deadline");
        }
        finally
        {
            // A failure above must not race the stop with the gateway's disposal (which would hide it).
            call.Dispose();
            await stopping;
        }
    }

    /// <summary>Sends one message on the chat stream and returns the count of its answer.</summary>
    private static async Task<int> ExchangeAsync(AsyncDuplexStreamingCall<Note, Note> call, string text)
    {
        await call.RequestStream.WriteAsync(new Note { Text = text });
        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue($"\"{text}\" is answered");
        call.ResponseStream.Current.Text.Should().Be(text);
        return call.ResponseStream.Current.Count;
    }

    private static async Task<bool> RefusedAsync(int port)
    {
        using var probe = new TcpClient();
        try
        {
            await probe.ConnectAsync(IPAddress.Loopback, port);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return false; // Caught in the listener's backlog as it closed: not yet the refusal asked for; probe again.
        }
    }
}
