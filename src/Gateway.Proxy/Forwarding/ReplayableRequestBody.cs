// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// A request body kept in memory so it can be sent more than once (retries) or copied (mirrors), up to a cap. The
/// body is read ahead before the first attempt: when it ends within the cap it is held whole and can be replayed;
/// when it does not, what was read ahead is sent first and the rest streams on from the client, nothing is kept,
/// and the request goes once, unmirrored, as Envoy does past its buffer limit. Without the cap one large upload to
/// a mirrored or retried route would be held in memory (or spilled to disk) whole.
/// </summary>
internal sealed class ReplayableRequestBody : Stream
{
    /// <summary>The most a request body may hold to be retried or mirrored.</summary>
    internal const int MaxBytes = 256 * 1024;

    private readonly Stream _inner;
    private byte[]? _buffer;
    private int _length;
    private int _position;

    private ReplayableRequestBody(Stream inner, byte[] buffer, int length, bool whole)
    {
        _inner = inner;
        _buffer = buffer;
        _length = length;
        IsWhole = whole;
    }

    /// <summary>True when the whole body is held: it can be sent again and copied.</summary>
    public bool IsWhole { get; }

    /// <summary>The whole body, when <see cref="IsWhole"/>; never changed afterwards, so a mirror may keep it.</summary>
    public ReadOnlyMemory<byte> Whole => IsWhole ? _buffer.AsMemory(0, _length) : throw new InvalidOperationException("The body was larger than the cap.");

    public override bool CanRead => true;

    public override bool CanSeek => IsWhole;

    public override bool CanWrite => false;

    public override long Length => IsWhole ? _length : throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set
        {
            if (!IsWhole || value != 0)
            {
                throw new NotSupportedException("Only a body held whole can be sent again, from its start.");
            }

            _position = 0;
        }
    }

    /// <summary>
    /// Reads the request's body ahead, up to <paramref name="maxBytes"/> and one byte more, and puts it back as the
    /// request's body. Null when the request has no body.
    /// </summary>
    public static async Task<ReplayableRequestBody?> ReadAheadAsync(HttpContext context, int maxBytes = MaxBytes)
    {
        var request = context.Request;
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return null;
        }

        // A declared length over the cap is known at once: nothing is read ahead, the body streams as usual.
        var room = request.ContentLength > maxBytes ? 0 : (int)Math.Min(request.ContentLength ?? maxBytes + 1, maxBytes + 1);
        // Grown as the body arrives: a chunked body of a few bytes does not cost the cap.
        var buffer = new byte[Math.Min(room, 16 * 1024)];
        var length = 0;
        while (length < room)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(room, buffer.Length * 2));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        var whole = length <= maxBytes && !(request.ContentLength > maxBytes);
        var body = new ReplayableRequestBody(request.Body, buffer, length, whole);
        if (length > 0)
        {
            request.Body = body; // Otherwise the body is still all in Kestrel, read from its pipe as usual.
        }

        return body;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_buffer is { } buffer && _position < _length)
        {
            var count = Math.Min(destination.Length, _length - _position);
            buffer.AsMemory(_position, count).CopyTo(destination);
            _position += count;
            if (!IsWhole && _position == _length)
            {
                _buffer = null; // Sent once and never again: let it go.
            }

            return count;
        }

        return IsWhole ? 0 : await _inner.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        if (origin != SeekOrigin.Begin)
        {
            throw new NotSupportedException();
        }

        Position = offset;
        return 0;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
