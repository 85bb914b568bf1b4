// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// Lingering close, as nginx does it (lingering_time / lingering_timeout): when the gateway answers an HTTP/1.1
/// request before reading all of its body (413 for a body over the listener's limit, 400 for a malformed one) and
/// closes, the client is usually still sending. Kestrel's socket transport closes the socket as soon as the HTTP
/// layer is done, and a close with unread bytes in the receive buffer sends a TCP reset, which makes the client's
/// kernel drop the answer it had not read yet: the user sees "connection reset" instead of the 413. So the socket is
/// kept open after the answer, its input read and thrown away, until the client closes, goes quiet for
/// <see cref="QuietTimeout"/>, or <see cref="MaxTime"/> has passed; then it is closed as Kestrel would have.
/// </summary>
/// <remarks>
/// Kestrel offers no hook between "HTTP layer done" and "socket closed", so this connection middleware puts a thin
/// pipe pair in front of the transport whose completion it can hold back. It costs three small objects per
/// connection and one extra virtual call per transport read or write; nothing changes unless a request asked for it
/// (<see cref="TransportHold.LingerOnClose"/>).
/// </remarks>
public static class LingeringClose
{
    /// <summary>Longest wait for the next bytes of a client that is still sending (nginx's lingering_timeout).</summary>
    public static readonly TimeSpan QuietTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Longest time a connection is kept for lingering (nginx's lingering_time).</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(30);

    /// <summary>For Kestrel's endpoint defaults: below TLS, so what is thrown away are the raw bytes.</summary>
    public static void Attach(ListenOptions listen) => listen.Use(next => connection => ServeAsync(connection, next));

    private static async Task ServeAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var hold = new TransportHold(connection.Transport);
        connection.Transport = hold;
        connection.Features.Set(hold);
        await next(connection).ConfigureAwait(false);
        if (hold.LingerOnClose)
        {
            await hold.LingerAsync(connection.ConnectionClosed).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// The transport as the HTTP layer sees it: every call goes through, except that completing it is held back once
/// <see cref="RequestLinger"/> has been called. Set as a connection feature, so the request pipeline can ask.
/// </summary>
public sealed class TransportHold(IDuplexPipe transport) : IDuplexPipe
{
    private readonly HeldReader _input = new(transport.Input);
    private readonly HeldWriter _output = new(transport.Output);
    private volatile bool _linger;

    public PipeReader Input => _input;

    public PipeWriter Output => _output;

    public bool LingerOnClose => _linger;

    /// <summary>From the request pipeline, before it answers early and asks for the connection to be closed.</summary>
    public void RequestLinger()
    {
        _linger = true;
        _input.Hold = true;
        _output.Hold = true;
    }

    /// <summary>Sends what the HTTP layer wrote, reads and drops the client's bytes until it stops, then completes the transport.</summary>
    internal async Task LingerAsync(CancellationToken closed)
    {
        var input = transport.Input;
        var output = transport.Output;
        try
        {
            await output.FlushAsync(closed).ConfigureAwait(false);
            using var total = CancellationTokenSource.CreateLinkedTokenSource(closed);
            total.CancelAfter(LingeringClose.MaxTime);
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(total.Token);
                quiet.CancelAfter(LingeringClose.QuietTimeout);
                var result = await input.ReadAsync(quiet.Token).ConfigureAwait(false);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Quiet for too long, lingered long enough, or the connection was aborted (server stopping).
        }
        catch (Exception e) when (e is ConnectionAbortedException or ConnectionResetException or IOException or InvalidOperationException)
        {
            // The client reset the connection or the transport ended: nothing more to wait for.
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    private sealed class HeldReader(PipeReader inner) : PipeReader
    {
        public volatile bool Hold;

        public override bool TryRead(out ReadResult result) => inner.TryRead(out result);

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null)
        {
            if (!Hold)
            {
                inner.Complete(exception);
            }
        }
    }

    private sealed class HeldWriter(PipeWriter inner) : PipeWriter
    {
        public volatile bool Hold;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(source, cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            // An error completion (abort) goes through: only an orderly close lingers.
            if (!Hold || exception is not null)
            {
                inner.Complete(exception);
            }
        }
    }
}
