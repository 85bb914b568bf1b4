// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Snapshot;

public enum ListenerProtocol
{
    Http,
    Https,

    /// <summary>TLS relayed unopened to a backend chosen by the ClientHello's server name (in ProxySnapshot.Layer4Listeners).</summary>
    TlsPassthrough,

    /// <summary>Plain TCP relayed to a backend (in ProxySnapshot.Layer4Listeners).</summary>
    Tcp,
}
