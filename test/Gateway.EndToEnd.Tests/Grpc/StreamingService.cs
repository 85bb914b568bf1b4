// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Gateway.EndToEnd.Tests.Grpc.Streaming;
using global::Grpc.Core;

namespace Gateway.EndToEnd.Tests.Grpc;

/// <summary>One method per call shape; every answer carries the backend's name and a trailer naming the method.</summary>
internal sealed class StreamingService(BackendName name) : global::Gateway.EndToEnd.Tests.Grpc.Streaming.Streaming.StreamingBase
{
    public override Task<Note> Unary(Note request, ServerCallContext context)
    {
        Trailer(context, "unary");
        return Task.FromResult(new Note { Text = request.Text, Backend = name.Value });
    }

    public override async Task<Note> Collect(IAsyncStreamReader<Note> requestStream, ServerCallContext context)
    {
        var text = new StringBuilder();
        var count = 0;
        await foreach (var note in requestStream.ReadAllAsync(context.CancellationToken))
        {
            text.Append(note.Text);
            count++;
        }

        Trailer(context, "collect");
        return new Note { Text = text.ToString(), Count = count, Backend = name.Value };
    }

    public override async Task Count(Note request, IServerStreamWriter<Note> responseStream, ServerCallContext context)
    {
        for (var i = 1; i <= request.Count; i++)
        {
            await responseStream.WriteAsync(new Note { Text = request.Text, Count = i, Backend = name.Value }, context.CancellationToken);
        }

        Trailer(context, "count");
    }

    public override async Task Chat(IAsyncStreamReader<Note> requestStream, IServerStreamWriter<Note> responseStream, ServerCallContext context)
    {
        var count = 0;
        await foreach (var note in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new Note { Text = note.Text, Count = ++count, Backend = name.Value }, context.CancellationToken);
        }

        Trailer(context, "chat");
    }

    public override Task<Note> Fail(Note request, ServerCallContext context) =>
        throw new RpcException(new global::Grpc.Core.Status((StatusCode)request.Count, request.Text));

    private void Trailer(ServerCallContext context, string method) => context.ResponseTrailers.Add("x-backend-method", $"{name.Value} {method}");
}
