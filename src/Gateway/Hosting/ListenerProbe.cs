// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;
using Gateway.Proxy.Listeners;

namespace Gateway.Hosting;

/// <summary>
/// Binds a listener's address and port with a throwaway socket to learn, before Kestrel tries, whether it can
/// be bound: Kestrel reports a failed bind only as a Critical log line of its configuration reload, without
/// telling anyone which endpoint failed, and a failed reload can take the other new endpoints down with it.
/// </summary>
internal static class ListenerProbe
{
    /// <returns><see cref="SocketError.Success"/>, or why the OS refused the bind.</returns>
    public static SocketError TryBind(ListenerBind bind)
    {
        if (!IPAddress.TryParse(bind.Address, out var address))
        {
            // Not an address we can probe (a host name): Kestrel resolves and binds it itself.
            return SocketError.Success;
        }

        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, bind.Port));
            socket.Listen(1);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }
}
