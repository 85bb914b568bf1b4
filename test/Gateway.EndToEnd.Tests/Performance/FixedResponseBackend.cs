// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;

namespace Gateway.EndToEnd.Tests.Performance;

/// <summary>
/// A loopback HTTP/1.1 backend that answers every request head with the same bytes, allocating nothing per request
/// once a connection is open, so what a measurement counts is the gateway's own cost. Requests must have no body.
/// </summary>
internal sealed class FixedResponseBackend : IAsyncDisposable
{
    private static readonly byte[] Response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"u8.ToArray();
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];

    public FixedResponseBackend()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _tasks.Add(AcceptAsync());
    }

    public int Port { get; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            connection.NoDelay = true;
            lock (_tasks)
            {
                _tasks.Add(ServeAsync(connection));
            }
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        var buffer = new byte[16 * 1024];
        var matched = 0; // how much of "\r\n\r\n" the bytes read so far end with
        using (connection)
        {
            try
            {
                while (true)
                {
                    var read = await connection.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    var heads = 0;
                    for (var i = 0; i < read; i++)
                    {
                        var expected = matched % 2 == 0 ? (byte)'\r' : (byte)'\n';
                        matched = buffer[i] == expected ? matched + 1 : buffer[i] == '\r' ? 1 : 0;
                        if (matched == 4)
                        {
                            heads++;
                            matched = 0;
                        }
                    }

                    for (var i = 0; i < heads; i++)
                    {
                        await connection.SendAsync(Response.AsMemory(), SocketFlags.None, _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        Task[] tasks;
        lock (_tasks)
        {
            tasks = [.. _tasks];
        }

        await Task.WhenAll(tasks);
        _stop.Dispose();
    }
}
