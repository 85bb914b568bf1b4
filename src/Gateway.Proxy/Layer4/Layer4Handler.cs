// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Gateway.Proxy.Forwarding;
using Gateway.Snapshot;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Layer4;

/// <summary>
/// Takes one accepted connection from its first byte to its relay: for TLS passthrough reads the ClientHello (a size
/// cap and a deadline, so a slow or malformed one costs only its own connection), resolves the route against the live
/// table, chooses a backend by weight and an endpoint of its cluster, connects, hands over the bytes read so far and
/// splices. Anything that finds no route or no backend closes the connection without a word.
/// </summary>
internal sealed partial class Layer4Handler(ProxyState proxy, Layer4Metrics metrics, ILogger logger)
{
    /// <summary>How long a client may take to send its ClientHello.</summary>
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a backend may take to accept the connection.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <param name="relay">Runs the relay once connected; it owns both sockets from then on.</param>
    public async Task HandleAsync(Socket client, Layer4Bind bind, Func<Layer4Relay, Task> relay, CancellationToken stopping)
    {
        var hello = ArrayPool<byte>.Shared.Rent(ClientHello.MaxBytes + 5);
        Socket? backend = null;
        var handedOver = false;
        try
        {
            client.NoDelay = true;
            var socket = proxy.Current.Layer4.Find(bind);
            if (socket is null)
            {
                return; // Its listener went away between accept and now.
            }

            var received = 0;
            string? serverName = null;
            if (socket.Protocol == ListenerProtocol.TlsPassthrough)
            {
                (received, serverName) = await ReadHelloAsync(client, hello, stopping).ConfigureAwait(false);
                if (received < 0)
                {
                    metrics.Connection(socket.Listeners[0].Id, null, "bad_client_hello");
                    return;
                }

                socket = proxy.Current.Layer4.Find(bind) ?? socket; // The table may have changed while the client was sending.
            }

            if (socket.Resolve(serverName) is not var (listener, route))
            {
                metrics.Connection(socket.Listeners[0].Id, null, "no_route");
                LogNoRoute(logger, bind.ToString(), serverName);
                return;
            }

            if (PickEndpoint(route) is not { } endpoint)
            {
                metrics.Connection(listener.Id, route.Id, "no_backend");
                return;
            }

            backend = await ConnectAsync(endpoint, stopping).ConfigureAwait(false);
            if (backend is null)
            {
                metrics.Connection(listener.Id, route.Id, "connect_failed");
                LogConnectFailed(logger, route.Id, endpoint.ToString());
                return;
            }

            if (received > 0)
            {
                await backend.SendAsync(hello.AsMemory(0, received), SocketFlags.None, stopping).ConfigureAwait(false);
            }

            metrics.Connection(listener.Id, route.Id, "relayed");
            handedOver = true;
            await relay(new Layer4Relay(listener.Id, route.Id, client, backend)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client or backend went away first; nothing to answer.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(hello);
            if (!handedOver)
            {
                client.Dispose();
                backend?.Dispose();
            }
        }
    }

    /// <summary>Reads until the ClientHello is complete: the bytes read and the server name, or -1 when it was not one in time.</summary>
    private static async Task<(int Received, string? ServerName)> ReadHelloAsync(Socket client, byte[] buffer, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(HelloTimeout);
        var received = 0;
        while (received < buffer.Length)
        {
            int read;
            try
            {
                read = await client.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                return (-1, null);
            }

            if (read == 0)
            {
                return (-1, null);
            }

            received += read;
            switch (ClientHello.TryRead(buffer.AsSpan(0, received), out var serverName))
            {
                case ClientHello.Outcome.Complete:
                    return (received, serverName);
                case ClientHello.Outcome.Invalid:
                    return (-1, null);
            }
        }

        return (-1, null);
    }

    /// <summary>A weighted choice among the route's backends, then an endpoint of that cluster; null when either is missing.</summary>
    private IPEndPoint? PickEndpoint(Layer4Route route)
    {
        var index = BackendPicker.Pick(route.Backends);
        if (index < 0 || route.Backends[index].ClusterId is not { } clusterId)
        {
            return null; // An unresolved backend's share of connections is refused, as its weight says.
        }

        var endpoint = proxy.Current.Clusters.Find(clusterId)?.Pick();
        return endpoint is not null && IPAddress.TryParse(endpoint.Endpoint.Address, out var address)
            ? new IPEndPoint(address, endpoint.Endpoint.Port)
            : null;
    }

    private static async Task<Socket?> ConnectAsync(IPEndPoint endpoint, CancellationToken stopping)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
    }

    [LoggerMessage(EventId = 9502, Level = LogLevel.Debug, Message = "Layer-4 connection on {Bind} with server name {ServerName} matches no route; closed")]
    private static partial void LogNoRoute(ILogger logger, string bind, string? serverName);

    [LoggerMessage(EventId = 9503, Level = LogLevel.Debug, Message = "Route {Route}: connecting to {Endpoint} failed; client connection closed")]
    private static partial void LogConnectFailed(ILogger logger, string route, string endpoint);
}
