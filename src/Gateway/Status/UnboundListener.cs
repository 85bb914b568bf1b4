// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;

namespace Gateway.Status;

/// <summary>A Gateway's listener (its own or a ListenerSet's) whose socket this process's data plane could not bind (yet).</summary>
/// <param name="Gateway">The owning Gateway as namespace/name.</param>
/// <param name="Listener">The listener's name in the Gateway's spec.</param>
/// <param name="Address">The socket's address.</param>
/// <param name="Port">The socket's port (in a cluster, the container port the listener's Service targets).</param>
/// <param name="Error">Why the OS refused the bind, at the last attempt.</param>
/// <param name="ListenerSet">The ListenerSet (namespace/name) that declares the listener, or null for the Gateway's own.</param>
public sealed record UnboundListener(string Gateway, string Listener, string Address, int Port, SocketError Error, string? ListenerSet = null)
{
    /// <summary>address:port, with an IPv6 address in brackets.</summary>
    public string Socket => Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
