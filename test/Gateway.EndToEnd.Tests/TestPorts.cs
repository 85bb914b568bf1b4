// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Sockets;

namespace Gateway.EndToEnd.Tests;

internal static class TestPorts
{
    /// <summary>A TCP port that was free a moment ago (the OS hands out ephemeral ports round-robin).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
