// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;

namespace Gateway.Proxy.Upstream;

/// <summary>
/// Idle keep-alive connections to one endpoint: a bounded stack (the most recently used connection is reused first,
/// so the others age out when traffic drops), under a lock held for a push or a pop only. A connection idle longer
/// than the idle timeout is closed instead of reused; one the backend closed meanwhile is found by the exchange
/// (<see cref="Http1Connection.StartResponseRead"/>).
/// </summary>
internal sealed class Http1ConnectionPool(EndPoint endPoint, int maxIdle, TimeSpan idleTimeout)
{
    private readonly Lock _lock = new();
    private readonly Http1Connection?[] _idle = new Http1Connection?[maxIdle];
    private readonly long _idleMilliseconds = (long)idleTimeout.TotalMilliseconds;
    private int _count;

    public EndPoint EndPoint { get; } = endPoint;

    /// <summary>Environment.TickCount64 of the last rent or return: a pool unused for long is dropped from reaping.</summary>
    public long LastUsed { get; private set; } = Environment.TickCount64;

    /// <summary>Set while the pool is in <see cref="Http1Forwarder"/>'s reaping list.</summary>
    public bool Listed { get; set; }

    public int IdleCount => Volatile.Read(ref _count);

    /// <summary>An idle connection that can carry a request, or null.</summary>
    public Http1Connection? Rent()
    {
        var now = Environment.TickCount64;
        LastUsed = now;
        while (true)
        {
            Http1Connection? connection;
            lock (_lock)
            {
                if (_count == 0)
                {
                    return null;
                }

                connection = _idle[--_count];
                _idle[_count] = null;
            }

            if (now - connection!.IdleSince < _idleMilliseconds && !connection.IsAborted)
            {
                return connection;
            }

            connection.Dispose();
        }
    }

    /// <summary>Takes back a connection whose exchange ended cleanly; closes it when the pool is full.</summary>
    public void Return(Http1Connection connection)
    {
        var now = Environment.TickCount64;
        connection.IdleSince = now;
        LastUsed = now;
        lock (_lock)
        {
            if (_count < _idle.Length)
            {
                _idle[_count++] = connection;
                return;
            }
        }

        connection.Dispose();
    }

    /// <summary>Closes connections idle past the timeout (the oldest are at the bottom of the stack); returns how many stay.</summary>
    public int Reap()
    {
        var now = Environment.TickCount64;
        List<Http1Connection>? expired = null;
        lock (_lock)
        {
            var keepFrom = 0;
            while (keepFrom < _count && now - _idle[keepFrom]!.IdleSince >= _idleMilliseconds)
            {
                (expired ??= []).Add(_idle[keepFrom]!);
                keepFrom++;
            }

            if (keepFrom > 0)
            {
                Array.Copy(_idle, keepFrom, _idle, 0, _count - keepFrom);
                Array.Clear(_idle, _count - keepFrom, keepFrom);
                _count -= keepFrom;
            }
        }

        expired?.ForEach(c => c.Dispose());
        return IdleCount;
    }

    /// <summary>Closes every idle connection (shutdown).</summary>
    public void Clear()
    {
        Http1Connection?[] idle;
        lock (_lock)
        {
            idle = _idle[.._count];
            Array.Clear(_idle);
            _count = 0;
        }

        foreach (var connection in idle)
        {
            connection!.Dispose();
        }
    }

    /// <summary>
    /// A new connection. Failures are reported as SocketsHttpHandler reports them (an HttpRequestException with
    /// ConnectionError, or a cancellation wrapping a TimeoutException), so <see cref="Forwarding.ConnectFailure"/>
    /// tells them apart from later failures the same way for both clients.
    /// </summary>
    public async ValueTask<Http1Connection> ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = EndPoint is DnsEndPoint
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(EndPoint, deadline.Token).ConfigureAwait(false);
            return new Http1Connection(socket);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new OperationCanceledException($"Connecting to {EndPoint} timed out.", new TimeoutException());
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{e.Message} ({EndPoint})", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
