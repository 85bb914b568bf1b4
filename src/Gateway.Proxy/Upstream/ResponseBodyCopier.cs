// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.IO.Pipelines;

namespace Gateway.Proxy.Upstream;

/// <summary>How copying a response body ended.</summary>
internal enum BodyCopy
{
    Complete,

    /// <summary>The backend's side: the connection failed, ended early, or the chunked encoding is broken.</summary>
    UpstreamFailed,

    /// <summary>The client went away.</summary>
    ClientFailed,
}

/// <summary>
/// Copies a response body from the connection into Kestrel's response pipe, one read at a time, flushing after
/// each so the client's pace holds the backend back: first what the connection's pipe already holds (the bytes read
/// with the head), then straight from the socket. Only the backend's framing says when the body is complete;
/// the end of the connection before that is a failure, never a shorter body.
/// </summary>
internal static class ResponseBodyCopier
{
    private const int DirectReadSize = 64 * 1024;

    public static async ValueTask<BodyCopy> CopyLengthAsync(Http1Connection connection, PipeWriter output, long length)
    {
        var input = connection.Reader;
        while (length > 0)
        {
            if (!input.TryRead(out var read))
            {
                // Nothing buffered: read the rest straight into the response, bounded by what the body has left.
                var direct = await ReadIntoAsync(connection, output, (int)Math.Min(length, DirectReadSize)).ConfigureAwait(false);
                if (direct <= 0)
                {
                    return BodyCopy.UpstreamFailed;
                }

                length -= direct;
                if (!await FlushAsync(output).ConfigureAwait(false))
                {
                    return BodyCopy.ClientFailed;
                }

                continue;
            }

            connection.Touch();
            var buffer = read.Buffer;
            if (buffer.IsEmpty && read.IsCompleted)
            {
                return BodyCopy.UpstreamFailed;
            }

            var take = buffer.Length > length ? buffer.Slice(0, length) : buffer;
            Write(output, take);
            length -= take.Length;
            input.AdvanceTo(take.End);
            if (!await FlushAsync(output).ConfigureAwait(false))
            {
                return BodyCopy.ClientFailed;
            }
        }

        return BodyCopy.Complete;
    }

    public static async ValueTask<BodyCopy> CopyChunkedAsync(Http1Connection connection, PipeWriter output)
    {
        var input = connection.Reader;
        var decoder = new ChunkedDecoder();
        while (true)
        {
            ReadResult read;
            try
            {
                read = await input.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (IsIo(e))
            {
                return BodyCopy.UpstreamFailed;
            }

            connection.Touch();
            var buffer = read.Buffer;
            var status = decoder.Decode(buffer, output, out var consumed, out var written);
            if (status == OperationStatus.InvalidData)
            {
                // What came before the bad bytes goes out, so the client's connection is aborted mid-response rather than sent a 502 after it.
                return written > 0 && !await FlushAsync(output).ConfigureAwait(false) ? BodyCopy.ClientFailed : BodyCopy.UpstreamFailed;
            }

            if (status == OperationStatus.Done)
            {
                input.AdvanceTo(consumed);
            }
            else
            {
                input.AdvanceTo(consumed, buffer.End);
            }

            if (written > 0 && !await FlushAsync(output).ConfigureAwait(false))
            {
                return BodyCopy.ClientFailed;
            }

            if (status == OperationStatus.Done)
            {
                return BodyCopy.Complete;
            }

            if (read.IsCompleted)
            {
                return BodyCopy.UpstreamFailed;
            }
        }
    }

    public static async ValueTask<BodyCopy> CopyUntilCloseAsync(Http1Connection connection, PipeWriter output)
    {
        var input = connection.Reader;
        while (true)
        {
            if (!input.TryRead(out var read))
            {
                var direct = await ReadIntoAsync(connection, output, DirectReadSize).ConfigureAwait(false);
                if (direct < 0)
                {
                    return BodyCopy.UpstreamFailed; // A reset, not a close: the body may be incomplete.
                }

                if (direct == 0)
                {
                    return BodyCopy.Complete;
                }

                if (!await FlushAsync(output).ConfigureAwait(false))
                {
                    return BodyCopy.ClientFailed;
                }

                continue;
            }

            connection.Touch();
            var buffer = read.Buffer;
            Write(output, buffer);
            input.AdvanceTo(buffer.End);
            if (!buffer.IsEmpty && !await FlushAsync(output).ConfigureAwait(false))
            {
                return BodyCopy.ClientFailed;
            }

            if (read.IsCompleted)
            {
                return BodyCopy.Complete;
            }
        }
    }

    /// <summary>
    /// One read from the socket into the response's own buffer: the bytes are copied once, and a large body takes
    /// one read and one write per 64 KiB rather than per 4 KiB pipe segment (a 1 MiB body measured twice the CPU of
    /// YARP's 64 KiB copy that way). Returns the bytes read, 0 at the end of the stream, -1 when the read failed.
    /// </summary>
    private static async ValueTask<int> ReadIntoAsync(Http1Connection connection, PipeWriter output, int most)
    {
        var memory = output.GetMemory(most);
        if (memory.Length > most)
        {
            memory = memory[..most];
        }

        int read;
        try
        {
            read = await connection.ReadPastReaderAsync(memory).ConfigureAwait(false);
        }
        catch (Exception e) when (IsIo(e))
        {
            return -1;
        }

        connection.Touch();
        output.Advance(read);
        return read;
    }

    private static void Write(PipeWriter output, in ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            output.Write(segment.Span);
        }
    }

    private static async ValueTask<bool> FlushAsync(PipeWriter output)
    {
        try
        {
            var flushed = await output.FlushAsync().ConfigureAwait(false);
            return !flushed.IsCanceled && !flushed.IsCompleted;
        }
        catch (Exception e) when (IsIo(e))
        {
            return false;
        }
    }

    private static bool IsIo(Exception e) => e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException;
}
