// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Gateway.EndToEnd.Tests;

internal static class TestPorts
{
    private static readonly ConcurrentDictionary<int, bool> _handedOut = new();

    /// <summary>
    /// A TCP port that was free a moment ago and that this test run has not handed out before: the OS may
    /// offer a just-released port again, and two tests (or one test's gateway and its "dead" backend) must not share one.
    /// </summary>
    public static int Free()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (_handedOut.TryAdd(port, true))
            {
                return port;
            }
        }
    }
}
