// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.EndToEnd.Tests.Upstream;

/// <summary>
/// A backend written with raw sockets, so a test can answer with exactly the bytes it wants (malformed heads, bodies
/// cut short, 100 Continue) and see how many connections the gateway opened and what each request carried.
/// </summary>
internal sealed class ScriptedBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Request, Stream, Task<bool>> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _connectionCount;
    private int _closedCount;

    /// <param name="answer">Writes the answer to a request; returns false to close the connection after it.</param>
    public ScriptedBackend(Func<Request, Stream, Task<bool>> answer)
    {
        _answer = answer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>A request as received: its head, its body (read per Content-Length or chunked), its connection and place on it.</summary>
    public sealed record Request(string Head, string Body, int Connection, int Index)
    {
        public string Line => Head[..Head.IndexOf('\r', StringComparison.Ordinal)];

        public string? Header(string name) => Head.Split("\r\n").Skip(1)
            .Select(l => l.Split(':', 2)).FirstOrDefault(p => p[0].Equals(name, StringComparison.OrdinalIgnoreCase))?[1].Trim();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<Request> Received { get; } = new();

    public int Connections => Volatile.Read(ref _connectionCount);

    /// <summary>Connections this side has closed or seen closed.</summary>
    public int Closed => Volatile.Read(ref _closedCount);

    public static async Task WriteAsync(Stream stream, string text) => await stream.WriteAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>An answer that reads the request body only when asked (for Expect: 100-continue tests).</summary>
    public Func<Request, Stream, Task<bool>>? BeforeBody { get; init; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_accepting, .. _connections]).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var number = Interlocked.Increment(ref _connectionCount);
            lock (_connections)
            {
                _connections.Add(ServeAsync(socket, number));
            }
        }
    }

    private async Task ServeAsync(Socket socket, int connection)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        var buffered = new List<byte>();
        try
        {
            for (var index = 1; ; index++)
            {
                var head = await ReadHeadAsync(stream, buffered);
                if (head is null)
                {
                    return;
                }

                var request = new Request(head, "", connection, index);
                if (BeforeBody is { } before && !await before(request, stream))
                {
                    return;
                }

                request = request with { Body = await ReadBodyAsync(stream, buffered, request) };
                Received.Enqueue(request);
                if (!await _answer(request, stream))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The gateway closed the connection.
        }
        finally
        {
            socket.Close(); // Before counting: a test waiting on Closed may rely on the FIN being sent.
            Interlocked.Increment(ref _closedCount);
        }
    }

    private async Task<string?> ReadHeadAsync(Stream stream, List<byte> buffered)
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString([.. buffered]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                buffered.RemoveRange(0, end + 4);
                return text[..(end + 2)];
            }

            if (!await FillAsync(stream, buffered))
            {
                return null;
            }
        }
    }

    private async Task<string> ReadBodyAsync(Stream stream, List<byte> buffered, Request request)
    {
        if (request.Header("Content-Length") is { } length)
        {
            var count = int.Parse(length, CultureInfo.InvariantCulture);
            while (buffered.Count < count && await FillAsync(stream, buffered))
            {
            }

            var body = Encoding.Latin1.GetString([.. buffered[..count]]);
            buffered.RemoveRange(0, count);
            return body;
        }

        if (request.Header("Transfer-Encoding") is not null)
        {
            var body = new StringBuilder();
            while (true)
            {
                var text = Encoding.Latin1.GetString([.. buffered]);
                var end = text.IndexOf("\r\n", StringComparison.Ordinal);
                if (end < 0)
                {
                    if (!await FillAsync(stream, buffered))
                    {
                        return body.ToString();
                    }

                    continue;
                }

                var size = int.Parse(text[..end], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                while (buffered.Count < end + 2 + size + 2 && await FillAsync(stream, buffered))
                {
                }

                body.Append(Encoding.Latin1.GetString([.. buffered[(end + 2)..(end + 2 + size)]]));
                buffered.RemoveRange(0, end + 2 + size + 2);
                if (size == 0)
                {
                    return body.ToString();
                }
            }
        }

        return "";
    }

    private async Task<bool> FillAsync(Stream stream, List<byte> buffered)
    {
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, _stop.Token);
        buffered.AddRange(buffer.AsSpan(0, read));
        return read > 0;
    }
}
