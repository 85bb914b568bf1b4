// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Pipeline;

/// <summary>
/// The request body of a request without Content-Length on a listener with maxRequestBodySize: it fails the read
/// that crosses the limit with a 413 <see cref="BadHttpRequestException"/>, as Kestrel's own limit would. Kestrel's
/// limit is not used for this because Kestrel aborts the connection when its limit trips, and an aborted socket
/// with the client's bytes still unread sends a TCP reset that loses the 413; this one leaves the connection in
/// order, so the answer is written and the close lingers (<see cref="Listeners.LingeringClose"/>).
/// </summary>
internal sealed class LimitedRequestBody(Stream inner, long limit) : Stream
{
    private long _read;

    public long Limit => limit;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            throw new BadHttpRequestException($"The request body is larger than this listener's limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        return read;
    }
}
