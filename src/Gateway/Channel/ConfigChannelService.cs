// SPDX-License-Identifier: Apache-2.0
using Gateway.Channel.Protocol;
using Grpc.Core;

namespace Gateway.Channel;

/// <summary>The controller's end of the config channel: full snapshots to every subscribed proxy, acknowledgements back.</summary>
public sealed class ConfigChannelService(SnapshotFeed feed, ProxyRegistry proxies, IHostApplicationLifetime lifetime) : ConfigChannel.ConfigChannelBase
{
    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<SnapshotMessage> responseStream, ServerCallContext context)
    {
        // Shutting down ends the stream cleanly: the proxy starts reconnecting at once, and Kestrel's shutdown does not
        // wait for streams that would otherwise never end.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        using var registration = proxies.Connect(request.NodeId, context.Peer);
        await context.WriteResponseHeadersAsync([]).ConfigureAwait(false);

        // A proxy that already serves this session's current version (it reconnected after a blip) is not sent it
        // again; it acknowledges what it serves as soon as it is connected.
        var sent = request.Session == feed.Session ? request.Version : 0;
        try
        {
            while (true)
            {
                var entry = await feed.NextAsync(sent, ending.Token).ConfigureAwait(false);
                await responseStream.WriteAsync(
                    new SnapshotMessage { Session = feed.Session, Version = entry.Snapshot.Version, SnapshotJson = entry.Payload }, ending.Token).ConfigureAwait(false);
                sent = entry.Snapshot.Version;
            }
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested)
        {
        }
    }

    public override Task<AckReply> Ack(AckRequest request, ServerCallContext context)
    {
        var rejected = request.Error.Length > 0 ? new ChannelPosition(request.RejectedSession, request.RejectedVersion) : (ChannelPosition?)null;
        proxies.Ack(request.NodeId, new ChannelPosition(request.Session, request.Version), rejected, request.Error);
        return Task.FromResult(new AckReply());
    }
}
