// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Proxy.Listeners;

/// <summary>
/// A connection feature the connection limiter sets, so the request pipeline knows the socket the connection
/// came in on and how many requests it has carried.
/// </summary>
internal sealed class ListenerConnection(SocketConnections socket)
{
    private int _requests;

    public SocketConnections Socket => socket;

    /// <summary>Counts one more request; HTTP/2 streams may arrive concurrently.</summary>
    public int CountRequest() => Interlocked.Increment(ref _requests);
}
