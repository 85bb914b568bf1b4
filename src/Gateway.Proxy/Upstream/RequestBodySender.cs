// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// Streams a request body from Kestrel to the backend while the response is read (a backend may answer before it has
/// read the body), Content-Length as is or chunked, straight from Kestrel's pipe into the connection's pipe. With
/// "Expect: 100-continue" it waits for the backend's 100 (or a second, as SocketsHttpHandler does) before reading the
/// client's body, so Kestrel sends the client its own 100 only when the backend wants the body; a final answer
/// first means the body is never sent (and the connection not reused). A client-side failure (too large, cut short)
/// closes the upstream connection and is kept to be answered as the client's fault.
/// </summary>
internal sealed class RequestBodySender
{
    private static readonly TimeSpan ExpectContinueTimeout = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource? _continue;
    private long _bytesRead;

    private RequestBodySender(bool expectContinue)
    {
        if (expectContinue)
        {
            _continue = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        Completion = Task.CompletedTask;
    }

    public Task Completion { get; private set; }

    /// <summary>True once a byte of the client's body has been taken: the request can no longer be sent again.</summary>
    public bool Started => Interlocked.Read(ref _bytesRead) > 0;

    /// <summary>Set when the body ended cleanly (all of it sent).</summary>
    public bool Sent { get; private set; }

    /// <summary>Why reading the client's body failed, if it did.</summary>
    public Exception? ClientError { get; private set; }

    public static RequestBodySender Start(HttpContext context, Http1Connection connection, RequestBodyFraming framing)
    {
        var expect = context.Request.Headers.Expect;
        var sender = new RequestBodySender(expect.Count == 1 && string.Equals(expect[0], "100-continue", StringComparison.OrdinalIgnoreCase));
        sender.Completion = sender.RunAsync(context, connection, framing == RequestBodyFraming.Chunked);
        return sender;
    }

    /// <summary>The backend said 100 Continue.</summary>
    public void Continue() => _continue?.TrySetResult();

    /// <summary>A final response arrived: a body still waiting for 100 Continue is never sent.</summary>
    public void FinalResponse()
    {
        if (_continue is { Task.IsCompleted: false })
        {
            _stop.Cancel();
        }
    }

    /// <summary>Stops reading and sending; waits until the sender has let go of the connection. Safe to call again.</summary>
    public async Task StopAsync()
    {
        if (!Completion.IsCompleted)
        {
            await _stop.CancelAsync().ConfigureAwait(false); // No timer behind it: nothing to dispose.
            await Completion.ConfigureAwait(false);
        }
    }

    private async Task RunAsync(HttpContext context, Http1Connection connection, bool chunked)
    {
        await Task.Yield(); // The caller goes on to read the response.
        try
        {
            if (_continue is not null)
            {
                await Task.WhenAny(_continue.Task, Task.Delay(ExpectContinueTimeout, _stop.Token)).ConfigureAwait(false);
                _stop.Token.ThrowIfCancellationRequested();
            }

            var request = context.Request;
            if (request.Body.CanSeek)
            {
                await CopyStreamAsync(request.Body, connection, chunked).ConfigureAwait(false); // Buffered for retries or mirrors.
            }
            else
            {
                await CopyPipeAsync(request.BodyReader, connection, chunked).ConfigureAwait(false);
            }

            if (chunked)
            {
                connection.Writer.Write("0\r\n\r\n"u8);
                await FlushAsync(connection).ConfigureAwait(false);
            }

            Sent = true;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped by the exchange.
        }
        catch (UpstreamWriteException)
        {
            connection.Abort(); // The backend's side: the response read reports it.
        }
        catch (Exception e)
        {
            ClientError = e;
            connection.Abort();
        }
    }

    private async Task CopyPipeAsync(System.IO.Pipelines.PipeReader input, Http1Connection connection, bool chunked)
    {
        while (true)
        {
            var read = await input.ReadAsync(_stop.Token).ConfigureAwait(false);
            var buffer = read.Buffer;
            if (!buffer.IsEmpty)
            {
                Interlocked.Add(ref _bytesRead, buffer.Length);
                WriteChunk(connection, buffer, chunked);
            }

            input.AdvanceTo(buffer.End);
            if (!buffer.IsEmpty)
            {
                await FlushAsync(connection).ConfigureAwait(false);
            }

            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    private async Task CopyStreamAsync(Stream input, Http1Connection connection, bool chunked)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            for (int read; (read = await input.ReadAsync(buffer, _stop.Token).ConfigureAwait(false)) > 0;)
            {
                Interlocked.Add(ref _bytesRead, read);
                WriteChunk(connection, new ReadOnlySequence<byte>(buffer, 0, read), chunked);
                await FlushAsync(connection).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void WriteChunk(Http1Connection connection, ReadOnlySequence<byte> data, bool chunked)
    {
        var writer = new HeadWriter(connection.Writer);
        if (chunked)
        {
            writer.WriteHex(data.Length);
            writer.Write("\r\n"u8);
        }

        foreach (var segment in data)
        {
            writer.Write(segment.Span);
        }

        if (chunked)
        {
            writer.Write("\r\n"u8);
        }

        writer.Commit();
    }

    private static async ValueTask FlushAsync(Http1Connection connection)
    {
        try
        {
            await connection.Writer.FlushAsync().ConfigureAwait(false);
            connection.Touch();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            throw new UpstreamWriteException(e);
        }
    }

    /// <summary>Writing to the backend failed: not the client's fault.</summary>
    private sealed class UpstreamWriteException(Exception inner) : Exception(inner.Message, inner);
}
