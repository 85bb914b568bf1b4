// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Gateway.Channel.Protocol;
using Gateway.Snapshot;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.EndToEnd.Tests.ConfigChannel;

/// <summary>A stand-in controller that sends exactly the snapshots a test scripts and records the acknowledgements.</summary>
internal sealed class ScriptedController : Gateway.Channel.Protocol.ConfigChannel.ConfigChannelBase, IAsyncDisposable
{
    private readonly System.Threading.Channels.Channel<SnapshotMessage> _toSend = System.Threading.Channels.Channel.CreateUnbounded<SnapshotMessage>();
    private readonly System.Threading.Channels.Channel<AckRequest> _acks = System.Threading.Channels.Channel.CreateUnbounded<AckRequest>();
    private WebApplication? _app;

    public int Port { get; } = TestPorts.Free();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _app = builder.Build();
        _app.MapGrpcService<ScriptedController>();
        await _app.StartAsync();
    }

    public void Send(string session, long version, ProxySnapshot snapshot) => Send(session, version, SnapshotJson.SerializeToUtf8Bytes(snapshot));

    public void Send(string session, long version, byte[] payload) =>
        _toSend.Writer.TryWrite(new SnapshotMessage { Session = session, Version = version, SnapshotJson = ByteString.CopyFrom(payload) });

    public async Task<AckRequest> NextAckAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await _acks.Reader.ReadAsync(timeout.Token);
    }

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<SnapshotMessage> responseStream, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync([]);
        await foreach (var message in _toSend.Reader.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(message);
        }
    }

    public override Task<AckReply> Ack(AckRequest request, ServerCallContext context)
    {
        _acks.Writer.TryWrite(request);
        return Task.FromResult(new AckReply());
    }

    public async ValueTask DisposeAsync()
    {
        _toSend.Writer.TryComplete();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
