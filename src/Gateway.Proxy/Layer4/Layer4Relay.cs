// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Net.Sockets;

namespace Gateway.Proxy.Layer4;

/// <summary>
/// One client connection spliced to one backend connection: bytes are copied both ways until both sides have finished
/// sending. When one side finishes (FIN) the other is told by a half-close, so request/response protocols that close
/// their sending side first still get their answer; a reset or error on either side ends both.
/// </summary>
internal sealed class Layer4Relay(string listenerId, string routeId, Socket client, Socket backend) : IDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly CancellationTokenSource _closed = new();
    private long _received;
    private long _sent;

    public string ListenerId { get; } = listenerId;

    public string RouteId { get; } = routeId;

    /// <summary>Bytes read from the client (and sent to the backend) so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _received);

    /// <summary>Bytes read from the backend (and sent to the client) so far.</summary>
    public long BytesSent => Interlocked.Read(ref _sent);

    /// <summary>Copies until both directions are done, or <see cref="Close"/> is called; never throws.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var link = stopping.Register(Close);
        var up = CopyAsync(client, backend, upstream: true);
        var down = CopyAsync(backend, client, upstream: false);
        await Task.WhenAll(up, down).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Ends the relay now (route removed, shutdown): both sockets are closed, which ends both copies.</summary>
    public void Close()
    {
        if (!_closed.IsCancellationRequested)
        {
            _closed.Cancel();
        }
    }

    private async Task CopyAsync(Socket from, Socket to, bool upstream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _closed.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    // The sender is done; pass its FIN on and keep the other direction open.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _closed.Token).ConfigureAwait(false);
                Interlocked.Add(ref upstream ? ref _received : ref _sent, read);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset or close on either side ends the other direction too.
            Close();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        Close();
        client.Dispose();
        backend.Dispose();
        _closed.Dispose();
    }
}
