// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Proxy.Diagnostics;

/// <summary>
/// Counts the response body bytes a logged request sends, whichever way they are written (the pipe by our HTTP/1.1
/// client, the stream by YARP and the gateway's own answers). Put in front of the server's feature only for requests
/// the access log records.
/// </summary>
internal sealed class CountingResponseBody : IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature _inner;
    private readonly CountingPipeWriter _writer;

    public CountingResponseBody(IHttpResponseBodyFeature inner)
    {
        _inner = inner;
        _writer = new CountingPipeWriter(inner.Writer);
        Stream = _writer.AsStream();
    }

    public long Bytes => _writer.Bytes;

    /// <summary>Counts this request's response from here on.</summary>
    public static CountingResponseBody Install(HttpContext context)
    {
        var counting = new CountingResponseBody(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
        context.Features.Set<IHttpResponseBodyFeature>(counting);
        return counting;
    }

    public Stream Stream { get; }

    public PipeWriter Writer => _writer;

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public Task CompleteAsync() => _inner.CompleteAsync();

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        _writer.Bytes += count ?? new FileInfo(path).Length - offset;
        return _inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    private sealed class CountingPipeWriter(PipeWriter inner) : PipeWriter
    {
        public long Bytes { get; set; }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes)
        {
            Bytes += bytes;
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            Bytes += source.Length;
            return inner.WriteAsync(source, cancellationToken);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
