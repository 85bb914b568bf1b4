// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// One keep-alive TCP connection to a backend, owned by its <see cref="Http1ConnectionPool"/> while idle and by one
/// request at a time otherwise. Reads and writes go through pipes over the socket, whose buffers come from the shared
/// array pool and go back to it between reads, so an idle connection holds no buffer. <see cref="Abort"/> closes the
/// socket from any thread (a cancelled request, an activity timeout), which fails whatever I/O is pending.
/// </summary>
internal sealed class Http1Connection : IDisposable
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 4096, leaveOpen: true);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly ITimer _activityTimer;
    private long _lastActivity;
    private long _activityLimit;
    private volatile bool _exchanging;
    private int _aborted;

    public Http1Connection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(_stream, ReaderOptions);
        Writer = PipeWriter.Create(_stream, WriterOptions);
        _activityTimer = TimeProvider.System.CreateTimer(static state => ((Http1Connection)state!).OnActivityTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    /// <summary>Environment.TickCount64 when the connection last went back to its pool.</summary>
    public long IdleSince { get; set; }

    /// <summary>True once a response has been read whole on it: a failure before any byte of the next one may be a stale connection.</summary>
    public bool Reused { get; set; }

    public bool IsAborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>True when the activity timeout closed the connection.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>Response header values last seen on this connection, by <see cref="Http1HeaderNames"/> index, reused when the bytes repeat.</summary>
    public string?[] HeaderValues { get; } = new string?[Http1HeaderNames.Count];

    /// <summary>Starts an exchange: the connection is closed when nothing is read or written for <paramref name="timeout"/>.</summary>
    public void StartExchange(TimeSpan timeout)
    {
        TimedOut = false;
        _activityLimit = Math.Max(1, (long)timeout.TotalMilliseconds);
        _lastActivity = Environment.TickCount64;
        _exchanging = true;
        _activityTimer.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Reads from the socket past <see cref="Reader"/>; only while the reader holds nothing unread and has no read
    /// pending, and never past the end of the response, so the reader sees the connection's bytes in order.
    /// </summary>
    public ValueTask<int> ReadPastReaderAsync(Memory<byte> destination) => _stream.ReadAsync(destination);

    /// <summary>Bytes moved: the activity timeout starts over (the timer checks this when it fires rather than being moved on every read).</summary>
    public void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    public void EndExchange()
    {
        _exchanging = false;
        _activityTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Starts reading the response before the request is written, as SocketsHttpHandler does. On a connection that was
    /// idle the read must not complete at once: bytes or the end of the stream already there mean the backend closed it
    /// or sent something unasked (a 408 on its own idle timeout), and it cannot carry a request. Doing this rather than
    /// a poll(2) on every reuse costs no extra system call: the read is needed anyway.
    /// </summary>
    public ValueTask<ReadResult> StartResponseRead(out bool unusable)
    {
        var read = Reader.ReadAsync();
        unusable = Reused && read.IsCompleted;
        return read;
    }

    /// <summary>Closes the connection and waits for a read started by <see cref="StartResponseRead"/> to end.</summary>
    public async ValueTask AbortAsync(ValueTask<ReadResult> pendingRead)
    {
        Abort();
        try
        {
            var result = await pendingRead.ConfigureAwait(false);
            Reader.AdvanceTo(result.Buffer.Start);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The read failed because the socket is closed: that was the point.
        }
    }

    /// <summary>Closes the socket; pending and later I/O fail. Safe from any thread, any number of times.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            _stream.Dispose();
        }
    }

    public void Dispose()
    {
        Abort();
        _activityTimer.Dispose();
        Reader.Complete();
        try
        {
            Writer.Complete();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Completing flushes what is buffered, into a closed socket: nothing to save.
        }
    }

    private void OnActivityTimer()
    {
        if (!_exchanging)
        {
            return;
        }

        var idle = Environment.TickCount64 - Volatile.Read(ref _lastActivity);
        if (idle >= _activityLimit)
        {
            TimedOut = true;
            Abort();
            return;
        }

        try
        {
            _activityTimer.Change(TimeSpan.FromMilliseconds(_activityLimit - idle), Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile.
        }
    }
}
